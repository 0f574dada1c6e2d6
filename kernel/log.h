// log.h: the write-ahead log that makes file-system operations atomic (log.c).
// Every system call that writes the disk brackets its work with
// begin_op()/end_op() and writes blocks with log_write() instead of bwrite().
#ifndef WEFT_LOG_H
#define WEFT_LOG_H

struct buf;
struct superblock;

void initlog(int dev, struct superblock *sb);
void begin_op(void);
void end_op(void);
void log_write(struct buf *b);

#endif
