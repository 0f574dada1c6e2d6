// virtio_disk.c: driver for the virtio-mmio block device at VIRTIO0
// (QEMU's -drive ... -device virtio-blk-device, modern interface).
//
// One virtqueue of QSIZE descriptors. Each request uses a chain of three:
// the request header, the buffer's data, and a status byte the device
// fills in. The requesting thread sleeps on its buf; the interrupt handler
// clears b->disk and wakes it; the requester then frees its descriptors.
// Locking: vdisk.lock protects everything in vdisk and the rings.
// Invariant: a descriptor is marked busy from the moment it is taken until
// the thread that took it frees it after the device has returned it in the
// used ring; the device may be reading a busy descriptor at any time.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "sched.h"
#include "fs.h"
#include "buf.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "virtio.h"

#define QSIZE 8             // descriptors in our one queue
#define CHAIN 3             // descriptors per request

// One slot per possible chain head: what the request is and where the
// device reports its status.
struct request {
  struct virtio_blk_req hdr;
  struct buf *b;            // 0 when no request uses this head
  volatile uchar status;    // device writes VBLK_S_OK here
};

static struct {
  struct spinlock lock;
  struct virtq_desc *desc;            // QSIZE entries, one page
  struct virtq_avail *avail;          // one page
  volatile struct virtq_used *used;   // one page
  uchar busy[QSIZE];                  // descriptor in use?
  uint16 used_seen;                   // used->idx we have processed up to
  struct request req[QSIZE];          // indexed by chain head
} vdisk;

static inline uint32
vreg_read(int reg)
{
  return *(volatile uint32 *)(VIRTIO0 + reg);
}

static inline void
vreg_write(int reg, uint32 v)
{
  *(volatile uint32 *)(VIRTIO0 + reg) = v;
}

// Write a 64-bit physical address into a LO/HI register pair.
static void
vreg_write64(int lo_reg, void *addr)
{
  uint64 a = (uint64)addr;
  vreg_write(lo_reg, (uint32)a);
  vreg_write(lo_reg + 4, (uint32)(a >> 32));
}

static void
set_status_bit(uint32 bit)
{
  vreg_write(VMMIO_STATUS, vreg_read(VMMIO_STATUS) | bit);
}

static void
check_device(void)
{
  if (vreg_read(VMMIO_MAGIC) != VIRTIO_MAGIC)
    panic("virtio_disk: no virtio device at VIRTIO0");
  if (vreg_read(VMMIO_VERSION) != VIRTIO_MMIO_MODERN)
    panic("virtio_disk: device is not virtio-mmio version 2 (need force-legacy=false)");
  if (vreg_read(VMMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
    panic("virtio_disk: VIRTIO0 is not a block device (no fs.img?)");
  if (vreg_read(VMMIO_VENDOR_ID) == 0)
    panic("virtio_disk: device has no vendor id");
}

// Accept what the device offers minus the features this driver does not
// implement; in the second word accept only VERSION_1, which a modern
// device requires.
static void
negotiate_features(void)
{
  uint32 refuse = (1U << VFEAT_BLK_RO) | (1U << VFEAT_BLK_SCSI) |
                  (1U << VFEAT_BLK_CONFIG_WCE) | (1U << VFEAT_BLK_MQ) |
                  (1U << VFEAT_ANY_LAYOUT) | (1U << VFEAT_RING_INDIRECT) |
                  (1U << VFEAT_RING_EVENT_IDX);

  vreg_write(VMMIO_DEV_FEAT_SEL, 0);
  uint32 low = vreg_read(VMMIO_DEV_FEATURES) & ~refuse;
  vreg_write(VMMIO_DEV_FEAT_SEL, 1);
  uint32 high = vreg_read(VMMIO_DEV_FEATURES) & (1U << (VFEAT_VERSION_1 - 32));

  vreg_write(VMMIO_DRV_FEAT_SEL, 0);
  vreg_write(VMMIO_DRV_FEATURES, low);
  vreg_write(VMMIO_DRV_FEAT_SEL, 1);
  vreg_write(VMMIO_DRV_FEATURES, high);

  set_status_bit(VSTAT_FEATURES_OK);
  // The device clears FEATURES_OK if it cannot live with our choice.
  if ((vreg_read(VMMIO_STATUS) & VSTAT_FEATURES_OK) == 0)
    panic("virtio_disk: device rejected our features");
}

static void *
zeroed_page(void)
{
  void *p = kalloc();
  if (p == 0)
    panic("virtio_disk: no memory for the queue");
  memset(p, 0, PGSIZE);
  return p;
}

// Give queue 0 its three areas. The kernel page table maps RAM at its
// physical address, so kalloc's addresses are what the device needs.
static void
setup_queue(void)
{
  vreg_write(VMMIO_QUEUE_SEL, 0);
  if (vreg_read(VMMIO_QUEUE_READY) != 0)
    panic("virtio_disk: queue 0 already in use");
  uint32 max = vreg_read(VMMIO_QUEUE_NUM_MAX);
  if (max == 0)
    panic("virtio_disk: device has no queue 0");
  if (max < QSIZE)
    panic("virtio_disk: queue 0 shorter than QSIZE");

  vdisk.desc = zeroed_page();
  vdisk.avail = zeroed_page();
  vdisk.used = zeroed_page();

  vreg_write(VMMIO_QUEUE_NUM, QSIZE);
  vreg_write64(VMMIO_QUEUE_DESC_LO, vdisk.desc);
  vreg_write64(VMMIO_QUEUE_AVAIL_LO, vdisk.avail);
  vreg_write64(VMMIO_QUEUE_USED_LO, (void *)vdisk.used);
  vreg_write(VMMIO_QUEUE_READY, 1);
}

void
virtio_disk_init(void)
{
  initlock(&vdisk.lock, "virtio_disk");
  check_device();

  // Initialisation order from the spec (3.1.1): reset, acknowledge,
  // driver, features, queues, driver-ok.
  vreg_write(VMMIO_STATUS, 0);
  set_status_bit(VSTAT_ACKNOWLEDGE);
  set_status_bit(VSTAT_DRIVER);
  negotiate_features();
  setup_queue();
  for (int i = 0; i < QSIZE; i++)
    vdisk.busy[i] = 0;
  vdisk.used_seen = 0;
  set_status_bit(VSTAT_DRIVER_OK);
}

// Take CHAIN free descriptors into ids[]. All or nothing: returns 0, or
// -1 with nothing taken. Caller holds vdisk.lock.
static int
take_chain(int ids[CHAIN])
{
  int n = 0;

  for (int i = 0; i < QSIZE && n < CHAIN; i++) {
    if (!vdisk.busy[i])
      ids[n++] = i;
  }
  if (n < CHAIN)
    return -1;
  for (int k = 0; k < CHAIN; k++)
    vdisk.busy[ids[k]] = 1;
  return 0;
}

// Return a whole chain, starting at head, to the free pool, and wake
// anyone waiting for descriptors. Caller holds vdisk.lock.
static void
free_chain(int head)
{
  int i = head;

  for (;;) {
    if (i < 0 || i >= QSIZE || !vdisk.busy[i])
      panic("virtio_disk: freeing a descriptor that is not busy");
    struct virtq_desc *d = &vdisk.desc[i];
    int more = d->flags & VDESC_NEXT;
    int next = d->next;
    vdisk.busy[i] = 0;
    d->addr = 0;
    d->len = 0;
    d->flags = 0;
    d->next = 0;
    if (!more)
      break;
    i = next;
  }
  wakeup(&vdisk.busy);
}

static void
fill_desc(int i, void *addr, uint32 len, uint16 flags, int next)
{
  vdisk.desc[i].addr = (uint64)addr;
  vdisk.desc[i].len = len;
  vdisk.desc[i].flags = flags;
  vdisk.desc[i].next = next;
}

// Offer the chain at head to the device and ring its doorbell.
static void
submit(int head)
{
  vdisk.avail->ring[vdisk.avail->idx % QSIZE] = head;
  // The ring entry must be visible before the index that publishes it.
  __sync_synchronize();
  vdisk.avail->idx += 1;
  __sync_synchronize();
  vreg_write(VMMIO_QUEUE_NOTIFY, 0);
}

// Read or write b's block (BSIZE bytes) and wait until the disk is done.
void
virtio_disk_rw(struct buf *b, int write)
{
  int ids[CHAIN];
  uint64 sector = (uint64)b->blockno * (BSIZE / VBLK_SECTOR_SIZE);

  acquire(&vdisk.lock);
  while (take_chain(ids) < 0)
    sleep(&vdisk.busy, &vdisk.lock);

  struct request *r = &vdisk.req[ids[0]];
  r->hdr.type = write ? VBLK_T_OUT : VBLK_T_IN;
  r->hdr.reserved = 0;
  r->hdr.sector = sector;
  r->status = 0xff;         // anything but OK until the device writes it
  r->b = b;

  fill_desc(ids[0], &r->hdr, sizeof(r->hdr), VDESC_NEXT, ids[1]);
  fill_desc(ids[1], b->data, BSIZE,
            (write ? 0 : VDESC_WRITE) | VDESC_NEXT, ids[2]);
  fill_desc(ids[2], (void *)&r->status, 1, VDESC_WRITE, 0);

  b->disk = 1;
  submit(ids[0]);

  // virtio_disk_intr clears b->disk once the device has returned the chain.
  while (b->disk)
    sleep(b, &vdisk.lock);

  r->b = 0;
  free_chain(ids[0]);
  release(&vdisk.lock);
}

// Finish one request the device returned: check its status and wake its
// owner. Caller holds vdisk.lock.
static void
complete(uint32 head)
{
  if (head >= QSIZE || vdisk.req[head].b == 0)
    panic("virtio_disk: device returned a chain we did not submit");
  struct request *r = &vdisk.req[head];
  if (r->status != VBLK_S_OK)
    panic("virtio_disk: the device reported an I/O error");
  r->b->disk = 0;
  wakeup(r->b);
}

void
virtio_disk_intr(void)
{
  acquire(&vdisk.lock);

  // Acknowledge first: a completion that lands after this raises a new
  // interrupt, and the loop below may see it early, which is harmless.
  vreg_write(VMMIO_INTR_ACK,
             vreg_read(VMMIO_INTR_STATUS) & (VINTR_USED_RING | VINTR_CONFIG));
  __sync_synchronize();

  while (vdisk.used_seen != vdisk.used->idx) {
    // Read the entry only after seeing the index that published it.
    __sync_synchronize();
    complete(vdisk.used->ring[vdisk.used_seen % QSIZE].id);
    vdisk.used_seen++;
  }

  release(&vdisk.lock);
}
