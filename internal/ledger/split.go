package ledger

import "math/bits"

// Allocate splits amount over buckets tier by tier: each tier in turn takes as much as
// it can hold (the sum of its capacities), divided pro rata to the capacities with the
// largest-remainder method (ties to the earlier bucket), so the parts are whole minor
// units, never exceed their capacity, and add up to amount exactly. It returns one slice
// of parts per tier (same shape as caps). Negative capacities count as zero; what
// exceeds the total capacity is left unallocated (the caller checks the sum).
func Allocate(amount int64, caps ...[]int64) [][]int64 {
	out := make([][]int64, len(caps))
	for i, tier := range caps {
		out[i] = make([]int64, len(tier))
		if amount <= 0 {
			continue
		}
		var sum int64
		for _, c := range tier {
			sum += max(c, 0)
		}
		if sum == 0 {
			continue
		}
		take := min(amount, sum)
		rems := make([]uint64, len(tier))
		var given int64
		for j, c := range tier {
			if c <= 0 {
				continue
			}
			q, r := mulDiv(take, c, sum)
			out[i][j], rems[j] = q, r
			given += q
		}
		// take - given < len(tier): one more unit to the largest remainders.
		for left := take - given; left > 0; left-- {
			best := -1
			for j := range tier {
				if rems[j] > 0 && (best < 0 || rems[j] > rems[best]) {
					best = j
				}
			}
			out[i][best]++
			rems[best] = 0
		}
		amount -= take
	}
	return out
}

// mulDiv returns a*b/c and its remainder for non-negative a <= c and b, c > 0, in 128
// bits so that no product of amounts overflows.
func mulDiv(a, b, c int64) (int64, uint64) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, r := bits.Div64(hi, lo, uint64(c))
	return int64(q), r
}

// shareOf is the workshop fund's part of a line's net amount: net * bps / 10000,
// rounded half up. Refund entries carry the change of shareOf, so the shares of a
// line's entries always add up to shareOf(its net).
func shareOf(net int64, bps int) int64 {
	if net <= 0 || bps <= 0 {
		return 0
	}
	q, r := mulDiv(net, int64(bps), MaxBps)
	if r*2 >= MaxBps {
		q++
	}
	return q
}

// unitsRefunded is how many of a line's units are wholly refunded when refunded of its
// total has been given back.
func unitsRefunded(l SaleLine, refunded int64) int {
	switch {
	case refunded >= l.TotalMinor:
		return l.Quantity
	case l.UnitMinor <= 0 || refunded <= 0:
		return 0
	}
	return min(int(refunded/l.UnitMinor), l.Quantity)
}
