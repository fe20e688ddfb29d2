"""Compiled inner loops of the repair (numba): cut and close, and the sub-path extend.

The repair walks cycles of up to hundreds of thousands of nodes and runs a small bounded
breadth-first search from nearly every one of them; in plain Python that was most of the
solve time on large markets. These kernels take the graph as CSR arrays (``Csr``) and plain
numpy arrays, keep the exact semantics of the documented algorithm (see ``solver.py``), and
are compiled once per machine (``cache=True`` keeps the machine code in ``__pycache__``).

Scratch arrays (``dist``, ``aux``, ``mark``) are allocated once per component by the caller,
hold -1 / 0 between calls, and every kernel restores them before it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit


@dataclass
class Csr:
    """Out- and in-adjacency of a graph in CSR form, each list in edge id order."""

    out_ptr: np.ndarray
    out_dst: np.ndarray
    out_edge: np.ndarray
    in_ptr: np.ndarray
    in_src: np.ndarray
    in_edge: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    counted: np.ndarray  # int64 0/1 per edge
    sorted_dst: np.ndarray  # out-adjacency with each list sorted by destination (same out_ptr)
    sorted_edge: np.ndarray
    dist: np.ndarray  # scratch, -1
    aux: np.ndarray  # scratch
    mark: np.ndarray  # scratch, 0
    queue: np.ndarray  # scratch

    @classmethod
    def build(
        cls, n: int, src: np.ndarray, dst: np.ndarray, counted: np.ndarray, by_src_dst: np.ndarray
    ) -> Csr:
        """``by_src_dst``: the edge ids sorted by (source, destination)."""
        src = np.ascontiguousarray(src, dtype=np.int64)
        dst = np.ascontiguousarray(dst, dtype=np.int64)
        by_src = np.argsort(src, kind="stable")
        by_dst = np.argsort(dst, kind="stable")
        return cls(
            out_ptr=np.searchsorted(src[by_src], np.arange(n + 1)).astype(np.int64),
            out_dst=dst[by_src],
            out_edge=by_src.astype(np.int64),
            in_ptr=np.searchsorted(dst[by_dst], np.arange(n + 1)).astype(np.int64),
            in_src=src[by_dst],
            in_edge=by_dst.astype(np.int64),
            src=src,
            dst=dst,
            counted=np.asarray(counted, dtype=np.int64),
            sorted_dst=dst[by_src_dst],
            sorted_edge=by_src_dst.astype(np.int64),
            dist=np.full(n, -1, dtype=np.int64),
            aux=np.full(n, -1, dtype=np.int64),
            mark=np.zeros(n, dtype=np.int64),
            queue=np.zeros(n + 1, dtype=np.int64),
        )


@njit(cache=True)
def cut_and_close_kernel(  # noqa: PLR0913 - arrays in, arrays out: numba takes no objects
    edges, src, dst, counted, in_ptr, in_src, in_edge, out_ptr, out_dst, out_edge,
    free, cap, min_len, max_visit, dist, via, queue,
):  # fmt: skip
    """Cut one too-long cycle (as a path: the edge back to its first node is not used) into
    segments closed through free nodes.

    Returns (flat edge ids of the new cycles, offsets). ``free`` is updated in place.
    """
    m = len(edges)
    out = np.empty(m + 16, dtype=np.int64)
    n_out = 0
    ptr = np.zeros(m + 2, dtype=np.int64)
    n_cyc = 0
    i = 0
    while i < m:
        target = src[edges[i]]
        # reverse breadth-first search from target through free nodes (counted distance)
        dist[target] = 0
        queue[0] = target
        head = 0
        tail = 1
        while head < tail and tail < max_visit:
            v = queue[head]
            head += 1
            for k in range(in_ptr[v], in_ptr[v + 1]):
                u = in_src[k]
                if not free[u] or dist[u] >= 0:
                    continue
                du = dist[v] + counted[in_edge[k]]
                if du >= cap:
                    continue
                dist[u] = du
                via[u] = in_edge[k]
                queue[tail] = u
                tail += 1
        best_total = -1
        best_j = -1
        best_e = -1
        best_x = -1
        seg = 0
        j = i
        while j + 1 < m and seg < cap:
            seg += counted[edges[j]]
            j += 1
            vj = src[edges[j]]
            for k in range(out_ptr[vj], out_ptr[vj + 1]):
                x = out_dst[k]
                e = out_edge[k]
                if x == target:
                    total = seg + counted[e]
                elif free[x] and dist[x] >= 0:
                    total = seg + counted[e] + dist[x]
                else:
                    continue
                if min_len <= total <= cap and total > best_total:
                    best_total = total
                    best_j = j
                    best_e = e
                    best_x = x
        if best_total < 0:
            free[target] = True
            i += 1
        else:
            need = n_out + (best_j - i) + 1 + tail
            if need > len(out):
                grown = np.empty(max(2 * len(out), need), dtype=np.int64)
                grown[:n_out] = out[:n_out]
                out = grown
            for t in range(i, best_j):
                out[n_out] = edges[t]
                n_out += 1
            out[n_out] = best_e
            n_out += 1
            x = best_x
            while x != target:
                e = via[x]
                out[n_out] = e
                n_out += 1
                free[x] = False
                x = dst[e]
            for t in range(i, best_j + 1):
                free[src[edges[t]]] = False
            n_cyc += 1
            ptr[n_cyc] = n_out
            i = best_j + 1
        for t in range(tail):
            dist[queue[t]] = -1
    return out[:n_out], ptr[: n_cyc + 1]


@njit(cache=True)
def extend_kernel(  # noqa: PLR0913
    cycle, src, dst, counted, out_ptr, out_dst, out_edge,
    free, cap, max_visit, span, dist, parent, end_r, queue,
):  # fmt: skip
    """Grow one cycle by replacing sub-paths with longer paths through free nodes.

    Returns (the new cycle's edge ids, counted edges gained). ``free`` is updated in place;
    ``end_r`` holds 0 outside calls.
    """
    cyc = cycle.copy()
    length = 0
    for e in cyc:
        length += counted[e]
    gained = 0
    k = 0
    while k < len(cyc) and length < cap:
        m = len(cyc)
        a = src[cyc[k]]
        top = min(span, m - 1)
        removed = 0
        # end_r[b] = r (1-based) for the ends b of the sub-paths a -> ... -> b
        rem = np.empty(top + 1, dtype=np.int64)
        for r in range(1, top + 1):
            e_r = cyc[(k + r - 1) % m]
            removed += counted[e_r]
            rem[r] = removed
            end_r[dst[e_r]] = r
        dist[a] = 0
        queue[0] = a
        head = 0
        tail = 1
        best_gain = 0
        best_r = -1
        best_y = -1
        best_e = -1
        limit = cap - length + removed
        while head < tail and tail < max_visit:
            v = queue[head]
            head += 1
            for q in range(out_ptr[v], out_ptr[v + 1]):
                w = out_dst[q]
                e = out_edge[q]
                if end_r[w] > 0:
                    if v == a:
                        continue
                    r = end_r[w]
                    gain = dist[v] + counted[e] - rem[r]
                    if gain > 0 and length + gain <= cap and gain > best_gain:
                        best_gain = gain
                        best_r = r
                        best_y = v
                        best_e = e
                    continue
                if not free[w] or dist[w] >= 0:
                    continue
                dw = dist[v] + counted[e]
                if dw > limit:
                    continue
                dist[w] = dw
                parent[w] = e
                queue[tail] = w
                tail += 1
        for r in range(1, top + 1):
            end_r[dst[cyc[(k + r - 1) % m]]] = 0
        if best_r < 0:
            for t in range(tail):
                dist[queue[t]] = -1
            k += 1
            continue
        # the replacing path a -> ... -> y -> b, in order
        steps = 0
        y = best_y
        while y != a:
            steps += 1
            y = src[parent[y]]
        path = np.empty(steps + 1, dtype=np.int64)
        path[steps] = best_e
        y = best_y
        t = steps - 1
        while y != a:
            e = parent[y]
            path[t] = e
            free[y] = False
            y = src[e]
            t -= 1
        for t in range(tail):
            dist[queue[t]] = -1
        r = best_r
        for t in range(1, r):  # interior nodes of the replaced sub-path become free
            free[src[cyc[(k + t) % m]]] = True
        if k + r > m:  # the sub-path wraps around: rotate the cycle to start at a
            cyc = np.concatenate((cyc[k:], cyc[:k]))
            k = 0
        cyc = np.concatenate((cyc[:k], path, cyc[k + r :]))
        length += best_gain
        gained += best_gain
        k += len(path)
    return cyc, gained


@njit(cache=True)
def _edge_between(sorted_ptr, sorted_dst, sorted_edge, x, y):
    """Id of the edge x -> y (binary search in x's destinations, sorted), or -1."""
    lo = sorted_ptr[x]
    hi = sorted_ptr[x + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if sorted_dst[mid] < y:
            lo = mid + 1
        else:
            hi = mid
    if lo < sorted_ptr[x + 1] and sorted_dst[lo] == y:
        return sorted_edge[lo]
    return -1


@njit(cache=True)
def carve_kernel(  # noqa: PLR0913
    cycle, src, dst, counted, sorted_ptr, sorted_dst, sorted_edge, cap, min_len, local,
):  # fmt: skip
    """``solver.carve`` compiled: split segments within the cap off a long cycle by swap moves.

    Returns (flat edge ids of the carved cycles, offsets, the remainder's edge ids: empty when
    the remainder fits and is the last carved cycle). ``local`` (-1) is scratch, restored.
    """
    m = len(cycle)
    order = np.empty(m, dtype=np.int64)
    for i in range(m):
        order[i] = src[cycle[i]]
        local[order[i]] = i
    nxt = np.empty(m, dtype=np.int64)  # local index of the successor
    nxt_edge = np.empty(m, dtype=np.int64)
    for i in range(m):
        nxt[i] = local[dst[cycle[i]]]
        nxt_edge[i] = cycle[i]
    alive = np.ones(m, dtype=np.bool_)
    remaining = 0
    for e in cycle:
        remaining += counted[e]
    out = np.empty(m + 16, dtype=np.int64)
    n_out = 0
    ptr = np.zeros(m + 2, dtype=np.int64)
    n_cyc = 0
    changed = True
    while changed and remaining > cap:
        changed = False
        for ai in range(m):
            if not alive[ai] or remaining <= cap:
                continue
            a = order[ai]
            bi = nxt[ai]
            b = order[bi]
            best_c = -1
            best_back = -1
            best_chord = -1
            best_len = 0
            length = 0
            xi = bi
            steps = 0
            while xi != ai and steps < 4 * cap + 8:
                x = order[xi]
                back = _edge_between(sorted_ptr, sorted_dst, sorted_edge, x, b)
                di = nxt[xi]
                if back >= 0 and di != ai:
                    chord = _edge_between(sorted_ptr, sorted_dst, sorted_edge, a, order[di])
                    piece_len = length + counted[back]
                    if chord >= 0 and min_len <= piece_len <= cap:
                        best_c = xi
                        best_back = back
                        best_chord = chord
                        best_len = piece_len
                length += counted[nxt_edge[xi]]
                if length >= cap:
                    break
                xi = di
                steps += 1
            if best_c < 0:
                continue
            yi = bi
            while yi != best_c:
                out[n_out] = nxt_edge[yi]
                n_out += 1
                alive[yi] = False
                yi = nxt[yi]
            alive[best_c] = False
            out[n_out] = best_back
            n_out += 1
            n_cyc += 1
            ptr[n_cyc] = n_out
            di = nxt[best_c]
            nxt[best_c] = bi
            nxt[ai] = di
            nxt_edge[ai] = best_chord
            remaining -= best_len
            changed = True
            if n_out + m + 16 > len(out):
                grown = np.empty(2 * len(out) + m, dtype=np.int64)
                grown[:n_out] = out[:n_out]
                out = grown
    first = -1
    count = 0
    for i in range(m):
        local[order[i]] = -1
        if alive[i]:
            count += 1
            if first < 0:
                first = i
    rest = np.empty(count, dtype=np.int64)
    vi = first
    for t in range(count):
        rest[t] = nxt_edge[vi]
        vi = nxt[vi]
    if remaining <= cap and min_len <= remaining:
        for e in rest:
            out[n_out] = e
            n_out += 1
        n_cyc += 1
        ptr[n_cyc] = n_out
        return out[:n_out], ptr[: n_cyc + 1], np.empty(0, dtype=np.int64)
    return out[:n_out], ptr[: n_cyc + 1], rest


@njit(cache=True)
def enumerate_kernel(  # noqa: PLR0913, PLR0912, PLR0915 - one loop nest, arrays only
    n, first, last, out_ptr, sorted_dst, sorted_edge, counted, in_ptr, in_src, in_edge,
    owner, n_owners, cap, min_len, limit,
):  # fmt: skip
    """Every cycle through start nodes ``first..last-1`` (each from its smallest node) with
    ``min_len..cap`` counted edges and distinct owners, in the order of the Python reference
    (starts ascending, out-edges by destination, depth first).

    Returns (flat edge ids, offsets), or offsets of length 0 when more than ``limit`` cycles.
    """
    dist = np.full(n, -1, dtype=np.int64)
    touched = np.empty(n, dtype=np.int64)
    level = np.empty(n * 2 + 2, dtype=np.int64)
    later = np.empty(n * 2 + 2, dtype=np.int64)
    on_path = np.zeros(n, dtype=np.bool_)
    owner_on = np.zeros(max(n_owners, 1), dtype=np.bool_)
    stack_node = np.empty(n + 1, dtype=np.int64)
    stack_len = np.empty(n + 1, dtype=np.int64)
    stack_pos = np.empty(n + 1, dtype=np.int64)
    path = np.empty(n + 1, dtype=np.int64)
    out = np.empty(1024, dtype=np.int64)
    offsets = np.empty(1024, dtype=np.int64)
    offsets[0] = 0
    found = 0
    used = 0
    for start in range(first, last):
        # 0-1 BFS by levels: distance (counted edges) from nodes >= start back to start
        n_touched = 1
        touched[0] = start
        dist[start] = 0
        size = 1
        level[0] = start
        for d in range(cap + 1):
            n_later = 0
            while size > 0:
                size -= 1
                v = level[size]
                if dist[v] != d:
                    continue
                for k in range(in_ptr[v], in_ptr[v + 1]):
                    u = in_src[k]
                    if u < start:
                        continue
                    du = d + counted[in_edge[k]]
                    if du > cap or (dist[u] != -1 and dist[u] <= du):
                        continue
                    if dist[u] == -1:
                        touched[n_touched] = u
                        n_touched += 1
                    dist[u] = du
                    if du == d:
                        level[size] = u
                        size += 1
                    else:
                        later[n_later] = u
                        n_later += 1
            for i in range(n_later):
                level[i] = later[i]
            size = n_later
            if size == 0:
                break
        if n_touched >= 2:
            depth = 0
            stack_node[0] = start
            stack_len[0] = 0
            stack_pos[0] = out_ptr[start]
            on_path[start] = True
            if owner[start] >= 0:
                owner_on[owner[start]] = True
            while depth >= 0:
                node = stack_node[depth]
                length = stack_len[depth]
                pos = stack_pos[depth]
                advanced = False
                while pos < out_ptr[node + 1]:
                    nxt = sorted_dst[pos]
                    e = sorted_edge[pos]
                    c = counted[e]
                    pos += 1
                    if nxt == start:
                        total = length + c
                        if min_len <= total <= cap:
                            found += 1
                            if found > limit:
                                for i in range(n_touched):
                                    dist[touched[i]] = -1
                                return out[:0], offsets[:0]
                            need = used + depth + 1
                            if need > len(out):
                                grown = np.empty(max(need, 2 * len(out)), dtype=np.int64)
                                grown[:used] = out[:used]
                                out = grown
                            for i in range(depth):
                                out[used + i] = path[i]
                            out[used + depth] = e
                            used = need
                            if found + 1 > len(offsets):
                                more = np.empty(2 * len(offsets), dtype=np.int64)
                                more[:found] = offsets[:found]
                                offsets = more
                            offsets[found] = used
                        continue
                    if nxt < start or on_path[nxt]:
                        continue
                    dn = dist[nxt]
                    if dn == -1 or length + c + dn > cap:
                        continue
                    o = owner[nxt]
                    if o >= 0 and owner_on[o]:
                        continue
                    stack_pos[depth] = pos
                    path[depth] = e
                    on_path[nxt] = True
                    if o >= 0:
                        owner_on[o] = True
                    depth += 1
                    stack_node[depth] = nxt
                    stack_len[depth] = length + c
                    stack_pos[depth] = out_ptr[nxt]
                    advanced = True
                    break
                if not advanced:
                    on_path[node] = False
                    if owner[node] >= 0:
                        owner_on[owner[node]] = False
                    depth -= 1
        for i in range(n_touched):
            dist[touched[i]] = -1
    return out[:used], offsets[: found + 1]
