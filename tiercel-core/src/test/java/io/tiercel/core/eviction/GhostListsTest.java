package io.tiercel.core.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GhostListsTest {

  /** Backward-shift deletion and relinking, against two insertion-ordered maps. */
  @Test
  void matchesAReferenceModelUnderRandomOperations() {
    Random random = new Random(3);
    GhostLists ghosts = new GhostLists();
    List<LinkedHashMap<Integer, Integer>> model =
        List.of(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
    for (int step = 0; step < 50_000; step++) {
      int op = random.nextInt(10);
      // Grow for a while, then shrink, so the table resizes both ways
      boolean growing = (step / 10_000) % 2 == 0;
      byte list = (byte) (1 + random.nextInt(2));
      if (op < (growing ? 7 : 3)) {
        int hash = random.nextInt(20_000) * 7919;
        int weight = random.nextInt(1_000);
        ghosts.addLast(list, hash, weight);
        model.get(1).remove(hash);
        model.get(2).remove(hash);
        model.get(list).put(hash, weight);
      } else if (op < 8) {
        boolean removed = ghosts.removeFirst(list);
        assertThat(removed).isEqualTo(!model.get(list).isEmpty());
        if (removed) {
          model.get(list).remove(model.get(list).keySet().iterator().next());
        }
      } else if (!model.get(list).isEmpty()) {
        List<Integer> hashes = new ArrayList<>(model.get(list).keySet());
        int hash = hashes.get(random.nextInt(hashes.size()));
        ghosts.remove(ghosts.find(hash));
        model.get(list).remove(hash);
      }
      if (step % 97 == 0) {
        assertMatches(ghosts, model);
      }
    }
    assertMatches(ghosts, model);
  }

  private static void assertMatches(
      GhostLists ghosts, List<LinkedHashMap<Integer, Integer>> model) {
    for (byte list = 1; list <= 2; list++) {
      Map<Integer, Integer> expected = model.get(list);
      List<Integer> order = new ArrayList<>();
      ghosts.forEachHash(list, order::add);
      assertThat(order).containsExactlyElementsOf(expected.keySet());
      assertThat(ghosts.size(list)).isEqualTo(expected.size());
      assertThat(ghosts.weight(list))
          .isEqualTo(expected.values().stream().mapToLong(Integer::longValue).sum());
      for (var entry : expected.entrySet()) {
        int slot = ghosts.find(entry.getKey());
        assertThat(slot).isNotEqualTo(GhostLists.NIL);
        assertThat(ghosts.listAt(slot)).isEqualTo(list);
        assertThat(ghosts.weightAt(slot)).isEqualTo(entry.getValue());
      }
    }
    assertThat(ghosts.find(-1)).isEqualTo(GhostLists.NIL);
    assertThat(ghosts.size()).isEqualTo(model.get(1).size() + model.get(2).size());
  }

  @Test
  void addingAPresentHashMovesItToTheEndOfTheNewList() {
    GhostLists ghosts = new GhostLists();
    ghosts.addLast((byte) 1, 10, 5);
    ghosts.addLast((byte) 1, 20, 5);
    ghosts.addLast((byte) 2, 10, 7);

    assertThat(ghosts.size((byte) 1)).isEqualTo(1);
    assertThat(ghosts.peekFirstHash((byte) 1)).isEqualTo(20);
    assertThat(ghosts.weight((byte) 2)).isEqualTo(7);
    assertThat(ghosts.listAt(ghosts.find(10))).isEqualTo((byte) 2);
  }

  @Test
  void tableCostsSeventeenBytesPerSlotAndResizesBothWays() {
    GhostLists ghosts = new GhostLists();
    for (int i = 0; i < 1_000; i++) {
      ghosts.addLast((byte) 1, i, 1);
    }
    // 1,000 ghosts need more than 768 = 3/4 of 1,024 slots: 2,048 slots of 17 bytes
    assertThat(ghosts.bytes()).isEqualTo(17L * 2_048);
    assertThat((double) ghosts.bytes() / ghosts.size()).isBetween(17 / 0.75, 17 / 0.375);

    while (ghosts.size() > 100) {
      ghosts.removeFirst((byte) 1);
    }
    assertThat(ghosts.bytes()).isLessThanOrEqualTo(17L * 512);
    for (int i = 900; i < 1_000; i++) {
      assertThat(ghosts.find(i)).isNotEqualTo(GhostLists.NIL);
    }
    ghosts.clear();
    assertThat(ghosts.bytes()).isEqualTo(17L * 16);
    assertThat(ghosts.weight()).isZero();
  }
}
