package ledger

// Allocate splits amount over buckets tier by tier: each tier in turn takes as much as
// it can hold (the sum of its capacities), divided pro rata to the capacities with the
// largest-remainder method (ties to the earlier bucket), so the parts are whole minor
// units, never exceed their capacity, and add up to amount exactly. It returns one slice
// of parts per tier (same shape as caps). amount must not exceed the total capacity;
// what does is left unallocated.
func Allocate(amount int64, caps ...[]int64) [][]int64 {
	out := make([][]int64, len(caps))
	for i, tier := range caps {
		out[i] = make([]int64, len(tier))
	}
	_ = amount
	return out // TODO
}
