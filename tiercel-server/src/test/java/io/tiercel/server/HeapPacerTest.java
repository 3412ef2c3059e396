package io.tiercel.server;

import static io.tiercel.server.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The soft heap target the node and agent keep: the rule, and the real JVM option it writes. */
class HeapPacerTest {
  private static final long MB = 1L << 20;
  private final HotSpotDiagnosticMXBean vm =
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
  private String original;
  /** The JVM's own soft target, the pacer's ceiling (the test JVM's 2 GB heap under G1). */
  private long maxHeap;

  @BeforeEach
  void remember() {
    original = vm.getVMOption(HeapPacer.OPTION).getValue();
    maxHeap = Long.parseLong(original);
  }

  @AfterEach
  void restore() {
    vm.setVMOption(HeapPacer.OPTION, original);
  }

  @Test
  void targetIsTwiceTheHeapLeftInUseBetweenTheFloorAndTheCeiling() {
    long max = 6L << 30;
    long floor = HeapPacer.NODE_FLOOR;
    assertThat(HeapPacer.target(0, floor, max)).isEqualTo(floor);
    assertThat(HeapPacer.target(15 * MB, floor, max)).isEqualTo(floor);
    assertThat(HeapPacer.target(floor / 2, floor, max)).isEqualTo(floor);
    assertThat(HeapPacer.target(900 * MB, floor, max)).isEqualTo(1800 * MB);
    assertThat(HeapPacer.target(4L << 30, floor, max)).isEqualTo(max);
    assertThat(HeapPacer.target(Long.MAX_VALUE, floor, max)).isEqualTo(max);
    assertThat(HeapPacer.target(10 * MB, floor, 128 * MB)).as("a heap smaller than the floor")
        .isEqualTo(128 * MB);
  }

  @Test
  void anAgentsHeapFollowsItsDataFromALowerFloorThanANodes() {
    long max = 6L << 30;
    assertThat(HeapPacer.target(15 * MB, HeapPacer.AGENT_FLOOR, max)).isEqualTo(256 * MB);
    assertThat(HeapPacer.target(200 * MB, HeapPacer.AGENT_FLOOR, max)).isEqualTo(400 * MB);
    assertThat(HeapPacer.target(200 * MB, HeapPacer.NODE_FLOOR, max)).isEqualTo(1024 * MB);
  }

  @Test
  void pacesOnlyCollectorsWithASoftTargetAndOnlyWhenTheUserLeftItUnset() {
    List<String> zgc = List.of("ZGC Minor Cycles", "ZGC Minor Pauses", "ZGC Major Cycles");
    assertThat(HeapPacer.whyNot(zgc, VMOption.Origin.ERGONOMIC)).isNull();
    assertThat(HeapPacer.whyNot(zgc, VMOption.Origin.DEFAULT)).isNull();
    assertThat(HeapPacer.whyNot(List.of("Shenandoah Cycles"), VMOption.Origin.ERGONOMIC))
        .isNull();
    assertThat(HeapPacer.whyNot(zgc, VMOption.Origin.VM_CREATION))
        .isEqualTo("SoftMaxHeapSize was set by the user (VM_CREATION)");
    assertThat(HeapPacer.whyNot(List.of("G1 Young Generation", "G1 Old Generation"),
        VMOption.Origin.ERGONOMIC))
        .isEqualTo("the collector (G1 Young Generation, G1 Old Generation) does not use a soft"
            + " heap target");
  }

  @Test
  void aCollectionSetsTheJvmsSoftTargetAndSmallChangesLeaveItAlone() {
    // Three eighths of the test JVM's 2 GB: a target of 1.5 GB, above the floor.
    long used = maxHeap / 8 * 3;
    long floor = HeapPacer.NODE_FLOOR;
    HeapPacer pacer = new HeapPacer(vm, floor, maxHeap);

    pacer.onCollection(used);
    assertThat(softMax()).isEqualTo(HeapPacer.target(used, floor, maxHeap))
        .isEqualTo(pacer.target());

    pacer.onCollection(used + used / 20);
    assertThat(softMax()).as("within an eighth: unchanged")
        .isEqualTo(HeapPacer.target(used, floor, maxHeap));

    pacer.onCollection(0);
    assertThat(softMax()).isEqualTo(Math.min(floor, maxHeap));
  }

  @Test
  void aRealCollectionMovesTheTargetToTwiceWhatItLeftInUse() throws Exception {
    long floor = HeapPacer.AGENT_FLOOR;
    HeapPacer pacer = new HeapPacer(vm, floor, maxHeap);
    pacer.onCollection(maxHeap);
    assertThat(softMax()).isEqualTo(maxHeap);
    pacer.start();
    try {
      // start() paces from the heap in use now; put the target back up so the collection's
      // notice is what brings it down.
      pacer.onCollection(maxHeap);
      System.gc();
      assertThat(eventually(() -> pacer.target() < maxHeap)).isTrue();
      long afterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      assertThat(softMax()).isEqualTo(pacer.target())
          .isBetween(Math.min(floor, maxHeap), Math.max(floor, 4 * afterGc));
    } finally {
      pacer.close();
    }
  }

  private long softMax() {
    return Long.parseLong(vm.getVMOption(HeapPacer.OPTION).getValue());
  }
}
