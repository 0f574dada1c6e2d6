// sparse.c: a program whose address space is almost all hole. Besides the
// usual text and data at 0 it has one page at 0x3000000000 (user/sparse.ld,
// made from user.ld by the Makefile, puts section .sparse there), so its
// break spans 192 GiB of which a handful of pages exist. The usertest
// sparsefork runs it to check that fork, exec and exit cost what exists,
// not what the break spans (docs/memory.md, "walking a range").
// usage: sparse [N] -- fork N children (default 3); each checks and writes
// the high page. Exits 0 when every child did and exited 0.
#include "kernel/types.h"
#include "user/user.h"

#define HIGH_VA 0x3000000000UL

// Reached through HIGH_VA: code linked at 0 cannot address 192 GiB up directly.
__attribute__((section(".sparse"), aligned(4096), used)) char high_page[4096] = "sparse";

int
main(int argc, char *argv[])
{
  volatile char *high = (volatile char *)HIGH_VA;
  int n = argc > 1 ? atoi(argv[1]) : 3;
  if(high[0] != 's'){
    printf("sparse: the page at %p holds %d, expected 's'\n", high, high[0]);
    exit(1);
  }
  for(int i = 0; i < n; i++){
    int pid = fork();
    if(pid < 0){
      printf("sparse: fork %d failed\n", i);
      exit(1);
    }
    if(pid == 0){
      high[100] = 'c';                 // the child's own copy of the page
      exit(high[0] == 's' ? 0 : 1);
    }
    int st = -1;
    wait(&st);
    if(st != 0 || high[100] != 0){
      printf("sparse: child %d exited %d, parent's page byte 100 is %d (expected 0, 0)\n",
             i, st, high[100]);
      exit(1);
    }
  }
  exit(0);
}
