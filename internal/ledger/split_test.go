package ledger

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestAllocate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		amount int64
		caps   [][]int64
		want   [][]int64
	}{
		{"thirds", 100, [][]int64{{100, 100, 100}}, [][]int64{{34, 33, 33}}},
		{"pro rata", 1000, [][]int64{{3000, 1000}}, [][]int64{{750, 250}}},
		{"largest remainder", 10, [][]int64{{1, 2, 4}}, [][]int64{{1, 2, 4}}},
		{"rounding", 5, [][]int64{{1, 2, 4}}, [][]int64{{1, 1, 3}}},
		{"tier overflow", 350, [][]int64{{100, 200}, {}, {80, 20}}, [][]int64{{100, 200}, {}, {40, 10}}},
		{"empty bucket skipped", 7, [][]int64{{0, 10, 0, 4}}, [][]int64{{0, 5, 0, 2}}},
		{"everything", 1234, [][]int64{{1000}, {200}, {30, 4}}, [][]int64{{1000}, {200}, {30, 4}}},
		{"nothing", 0, [][]int64{{5, 5}}, [][]int64{{0, 0}}},
	} {
		if got := Allocate(tt.amount, tt.caps...); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Allocate(%d, %v) = %v, want %v", tt.name, tt.amount, tt.caps, got, tt.want)
		}
	}
}

func TestAllocateRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		var caps [][]int64
		var total int64
		for range 1 + r.IntN(3) {
			tier := make([]int64, r.IntN(5))
			for j := range tier {
				tier[j] = r.Int64N(1_000_000_00)
				total += tier[j]
			}
			caps = append(caps, tier)
		}
		amount := int64(0)
		if total > 0 {
			amount = r.Int64N(total + 1)
		}
		parts := Allocate(amount, caps...)
		var got int64
		left := amount
		for ti, tier := range parts {
			var tierCap, tierGot int64
			for j, p := range tier {
				if p < 0 || p > caps[ti][j] {
					t.Fatalf("Allocate(%d, %v): part %d of cap %d", amount, caps, p, caps[ti][j])
				}
				got += p
				tierGot += p
				tierCap += caps[ti][j]
			}
			if want := min(left, tierCap); tierGot != want {
				t.Fatalf("Allocate(%d, %v): tier %d got %d, want %d", amount, caps, ti, tierGot, want)
			}
			left -= tierGot
		}
		if got != amount {
			t.Fatalf("Allocate(%d, %v) = %v: sums to %d", amount, caps, parts, got)
		}
	}
}

func TestShareOf(t *testing.T) {
	for _, tt := range []struct {
		net  int64
		bps  int
		want int64
	}{
		{100_000_00, 6000, 60_000_00}, {1, 6000, 1}, {1, 4999, 0}, {3, 5000, 2}, {0, 6000, 0}, {-5, 6000, 0},
		{999, 10000, 999}, {999, 0, 0}, {1 << 62, 10000, 1 << 62},
	} {
		if got := shareOf(tt.net, tt.bps); got != tt.want {
			t.Errorf("shareOf(%d, %d) = %d, want %d", tt.net, tt.bps, got, tt.want)
		}
	}
}
