package admin

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/libres/storefront/internal/quote"
)

// FuzzTiers: a quote line's quantity prices as staff type them ("200: 34.000; 500+:
// 31.000"). Accepted tiers have quantities and whole-peso prices that are not negative,
// and the text the price form shows for them reads back as the same tiers.
func FuzzTiers(f *testing.F) {
	for _, s := range []string{"200: 34.000; 500: 31.000", "1.000+: $ 29.000", "", ";;", "200 34000", "-1: 5", "200: -5", "2:3:4", strings.Repeat("9", 201)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, ok := readTiers(s)
		if !ok {
			return
		}
		for _, tr := range ts {
			if tr.MinQty < 0 || tr.UnitMinor < 0 || tr.UnitMinor%100 != 0 {
				t.Fatalf("readTiers(%q) = %+v", s, ts)
			}
		}
		again, ok := readTiers(tiersText(ts))
		if !ok || len(again) != len(ts) || len(ts) > 0 && !reflect.DeepEqual(again, ts) {
			t.Fatalf("readTiers(%q) = %+v; shown as %q it reads %+v, %v", s, ts, tiersText(ts), again, ok)
		}
	})
}

// shareTyped is what a share in percent may look like: a whole number of percent with
// up to two decimals ("70", "33,33", "33.5 %").
var shareTyped = regexp.MustCompile(`^[0-9]+([.,][0-9]{0,2})?$`)

// FuzzShareBps: a workshop's share of a quote's work, typed in percent. An accepted share
// is from 0.01 % to 100 % and was typed as a number of percent with up to two decimals.
func FuzzShareBps(f *testing.F) {
	for _, s := range []string{"70", "33,33", "33.5 %", "100", "100.01", "0", "0.01", "1.+5", "1.-5", "-0.5", "+70", "1.", ".5", "1e2", "٧٠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bps, ok := shareBps(s)
		if !ok {
			return
		}
		if bps < 1 || bps > 10000 {
			t.Fatalf("shareBps(%q) = %d", s, bps)
		}
		typed := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
		if !shareTyped.MatchString(typed) {
			t.Fatalf("shareBps(%q) = %d accepted from something that is not a percentage", s, bps)
		}
	})
}

// FuzzKeptProof: the signed token that keeps a proof across a refused price form. A kept
// proof's token opens to the same proof; any other token opens only if it carries the
// very payload this key signed (nobody else can name a stored object).
func FuzzKeptProof(f *testing.F) {
	f.Add("quotes/stash/ab12/proof.pdf", "prueba final.pdf", int64(1234), "")
	f.Add("../../etc/passwd", "\xff", int64(-1), "eyJrIjoieCJ9.AAAA")
	f.Add("k", "n", int64(0), "e30.")
	k := &proofKey{key: []byte("0123456789abcdef0123456789abcdef")}
	f.Fuzz(func(t *testing.T, key, name string, size int64, token string) {
		kept := quote.Kept{Key: key, Name: name, ContentType: "application/pdf", Size: size}
		signed := k.sign(kept)
		got, ok := k.open(signed)
		if len(signed) <= 2048 && (!ok || got != kept && utf8.ValidString(key) && utf8.ValidString(name)) { // JSON replaces invalid UTF-8
			t.Fatalf("kept proof %+v opens as %+v, %v", kept, got, ok)
		}
		if _, ok := k.open(token); ok {
			payload, _, _ := strings.Cut(token, ".")
			mine, _, _ := strings.Cut(signed, ".")
			if payload != mine {
				t.Fatalf("token %q opened without being signed", token)
			}
		}
	})
}
