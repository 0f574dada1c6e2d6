// virtio.h: the parts of the virtio 1.x specification weft's disk driver
// uses: the virtio-mmio register block (modern, version 2), device status
// and feature bits, split-virtqueue layouts and the block request header.
// These are interface facts fixed by the spec; only virtio_disk.c uses them.
#ifndef WEFT_VIRTIO_H
#define WEFT_VIRTIO_H

// virtio-mmio registers, as byte offsets from the device's base address.
// All are 32 bits wide. (spec 4.2.2)
enum virtio_mmio_reg {
  VMMIO_MAGIC          = 0x000,  // reads "virt"
  VMMIO_VERSION        = 0x004,  // 2 for the modern interface
  VMMIO_DEVICE_ID      = 0x008,  // 2 = block device
  VMMIO_VENDOR_ID      = 0x00c,
  VMMIO_DEV_FEATURES   = 0x010,  // 32 feature bits, chosen by ..._SEL
  VMMIO_DEV_FEAT_SEL   = 0x014,
  VMMIO_DRV_FEATURES   = 0x020,
  VMMIO_DRV_FEAT_SEL   = 0x024,
  VMMIO_QUEUE_SEL      = 0x030,
  VMMIO_QUEUE_NUM_MAX  = 0x034,
  VMMIO_QUEUE_NUM      = 0x038,
  VMMIO_QUEUE_READY    = 0x044,
  VMMIO_QUEUE_NOTIFY   = 0x050,
  VMMIO_INTR_STATUS    = 0x060,
  VMMIO_INTR_ACK       = 0x064,
  VMMIO_STATUS         = 0x070,
  VMMIO_QUEUE_DESC_LO  = 0x080,  // descriptor table
  VMMIO_QUEUE_DESC_HI  = 0x084,
  VMMIO_QUEUE_AVAIL_LO = 0x090,  // "driver area": the available ring
  VMMIO_QUEUE_AVAIL_HI = 0x094,
  VMMIO_QUEUE_USED_LO  = 0x0a0,  // "device area": the used ring
  VMMIO_QUEUE_USED_HI  = 0x0a4,
  VMMIO_CONFIG_GEN     = 0x0fc,
  VMMIO_CONFIG         = 0x100,  // device-specific configuration
};

#define VIRTIO_MAGIC       0x74726976   // "virt", little-endian
#define VIRTIO_MMIO_MODERN 2
#define VIRTIO_ID_BLOCK    2

// Device status register bits (spec 2.1).
#define VSTAT_ACKNOWLEDGE  1    // guest noticed the device
#define VSTAT_DRIVER       2    // guest knows how to drive it
#define VSTAT_DRIVER_OK    4    // driver ready: device may run
#define VSTAT_FEATURES_OK  8    // feature negotiation finished
#define VSTAT_NEEDS_RESET  64
#define VSTAT_FAILED       128

// Feature bit numbers (spec 5.2.3 and 6).
#define VFEAT_BLK_RO           5
#define VFEAT_BLK_SCSI         7
#define VFEAT_BLK_CONFIG_WCE   11
#define VFEAT_BLK_MQ           12
#define VFEAT_ANY_LAYOUT       27
#define VFEAT_RING_INDIRECT    28
#define VFEAT_RING_EVENT_IDX   29
#define VFEAT_VERSION_1        32   // lives in the second feature word

// Interrupt status bits.
#define VINTR_USED_RING    1
#define VINTR_CONFIG       2

// Split virtqueue (spec 2.7). A descriptor names one buffer; chains are
// linked with VDESC_NEXT.
struct virtq_desc {
  uint64 addr;     // physical address
  uint32 len;
  uint16 flags;
  uint16 next;     // next descriptor when VDESC_NEXT is set
};
#define VDESC_NEXT   1  // chain continues at .next
#define VDESC_WRITE  2  // device writes this buffer (else it reads it)

// The driver's ring: heads of chains offered to the device.
struct virtq_avail {
  uint16 flags;
  uint16 idx;      // where the driver puts the next entry (mod queue size)
  uint16 ring[];   // followed by used_event, unused without EVENT_IDX
};

// The device's ring: chains it has finished with.
struct virtq_used_elem {
  uint32 id;       // head descriptor of the finished chain
  uint32 len;      // bytes the device wrote
};
struct virtq_used {
  uint16 flags;
  uint16 idx;      // where the device puts the next entry (mod queue size)
  struct virtq_used_elem ring[];
};

// Block device request header (spec 5.2.6), the first descriptor of a
// request; the data buffer and a one-byte status follow it.
#define VBLK_T_IN   0   // read from disk
#define VBLK_T_OUT  1   // write to disk
#define VBLK_S_OK   0

struct virtio_blk_req {
  uint32 type;
  uint32 reserved;
  uint64 sector;   // in 512-byte units
};

#define VBLK_SECTOR_SIZE 512

#endif
