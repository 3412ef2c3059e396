package io.tiercel.core.eviction;

import java.util.function.Consumer;

/**
 * An intrusive doubly linked queue of {@link PolicyNode}s: no allocation per element, O(1)
 * removal from the middle. Each deque has an id that it stamps into {@link PolicyNode#queue} so a
 * policy can tell which of its queues a node is in; a node is in at most one deque at a time.
 * Not thread-safe: owned by one policy, used under the eviction lock.
 */
public final class NodeDeque {
  private final byte id;
  private PolicyNode first;
  private PolicyNode last;
  private int size;
  private long weight;

  /** Creates an empty deque whose nodes are stamped with {@code id} (not UNLINKED). */
  public NodeDeque(byte id) {
    if (id == PolicyNode.UNLINKED) {
      throw new IllegalArgumentException("id: 0 (expected: != PolicyNode.UNLINKED)");
    }
    this.id = id;
  }

  /** Returns the id stamped into this deque's nodes. */
  public byte id() {
    return id;
  }

  /** Returns whether {@code node} is in this deque. */
  public boolean contains(PolicyNode node) {
    return node.queue() == id;
  }

  /** Returns the number of nodes. */
  public int size() {
    return size;
  }

  /** Returns the total weight of the nodes. */
  public long weight() {
    return weight;
  }

  /** Returns whether the deque is empty. */
  public boolean isEmpty() {
    return first == null;
  }

  /** Returns the head (least recently added or moved), or null. */
  public PolicyNode peekFirst() {
    return first;
  }

  /** Returns the tail (most recently added or moved), or null. */
  public PolicyNode peekLast() {
    return last;
  }

  /** Returns the node after {@code node} towards the tail, or null. */
  public PolicyNode next(PolicyNode node) {
    return node.next;
  }

  /** Inserts an unlinked node at the head. */
  public void addFirst(PolicyNode node) {
    if (node.queue() != PolicyNode.UNLINKED) {
      throw new IllegalStateException("node already in queue " + node.queue());
    }
    node.setQueue(id);
    node.prev = null;
    node.next = first;
    if (first == null) {
      last = node;
    } else {
      first.prev = node;
    }
    first = node;
    size++;
    weight += node.weight();
  }

  /** Appends an unlinked node at the tail. */
  public void addLast(PolicyNode node) {
    if (node.queue() != PolicyNode.UNLINKED) {
      throw new IllegalStateException("node already in queue " + node.queue());
    }
    node.setQueue(id);
    node.prev = last;
    node.next = null;
    if (last == null) {
      first = node;
    } else {
      last.next = node;
    }
    last = node;
    size++;
    weight += node.weight();
  }

  /** Removes a node of this deque and marks it unlinked. */
  public void remove(PolicyNode node) {
    assert node.queue() == id : "node in queue " + node.queue() + ", not " + id;
    PolicyNode p = node.prev;
    PolicyNode n = node.next;
    if (p == null) {
      first = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      last = p;
    } else {
      n.prev = p;
    }
    node.prev = null;
    node.next = null;
    node.setQueue(PolicyNode.UNLINKED);
    size--;
    weight -= node.weight();
  }

  /** Removes and returns the head, or null if empty. */
  public PolicyNode pollFirst() {
    PolicyNode node = first;
    if (node != null) {
      remove(node);
    }
    return node;
  }

  /** Moves a node of this deque to the tail. */
  public void moveToBack(PolicyNode node) {
    if (node != last) {
      remove(node);
      addLast(node);
    }
  }

  /** Moves a node of this deque to the head. */
  public void moveToFront(PolicyNode node) {
    if (node != first) {
      remove(node);
      addFirst(node);
    }
  }

  /**
   * Puts unlinked {@code replacement} at the position of {@code node}, a node of this deque,
   * which becomes unlinked.
   */
  public void replace(PolicyNode node, PolicyNode replacement) {
    assert node.queue() == id;
    if (replacement.queue() != PolicyNode.UNLINKED) {
      throw new IllegalStateException("replacement already in queue " + replacement.queue());
    }
    PolicyNode p = node.prev;
    PolicyNode n = node.next;
    replacement.prev = p;
    replacement.next = n;
    replacement.setQueue(id);
    if (p == null) {
      first = replacement;
    } else {
      p.next = replacement;
    }
    if (n == null) {
      last = replacement;
    } else {
      n.prev = replacement;
    }
    node.prev = null;
    node.next = null;
    node.setQueue(PolicyNode.UNLINKED);
    weight += (long) replacement.weight() - node.weight();
  }

  /** Visits the nodes from head to tail. */
  public void forEach(Consumer<PolicyNode> action) {
    for (PolicyNode n = first; n != null; ) {
      PolicyNode next = n.next;
      action.accept(n);
      n = next;
    }
  }
}
