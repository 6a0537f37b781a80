package donate_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/sitetest"
)

// digits reads the whole number in s ("$ 150.000" -> 150000); -1 when there is none.
func digits(s string) int64 {
	n, err := strconv.ParseInt(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

func setPublic(t *testing.T, v string) {
	t.Helper()
	if err := catalog.SetSetting(context.Background(), testDB, donation.PublicSetting, v); err != nil {
		t.Fatal(err)
	}
}

// With donations published at /admin/impact, the donation page shows this year's
// received gifts (a new one at once) and thanks the donors by name, except those who
// gave anonymously, whose gift is counted but never named; pending and refunded gifts
// are left out. With the setting off, neither the figure nor any name shows.
func TestPublicDonations(t *testing.T) {
	ctx := context.Background()
	staff := audit.Actor{Email: "staff@libres.test"}
	t.Cleanup(func() { setPublic(t, "") })
	setPublic(t, "1")
	figures := func(path string) (count, total int64, names string, p sitetest.Page) {
		p = sitetest.NewBrowser(t, testURL).MustGet(path)
		if p.Find(".donate-public").Length() == 0 {
			return 0, 0, "", p
		}
		return digits(text(p, ".donate-count")), digits(text(p, ".donate-total")), text(p, ".donate-names"), p
	}
	count0, total0, _, _ := figures("/donar")

	give := func(name, email, amount string, anonymous bool) donation.Donation {
		t.Helper()
		d, _, err := testSvc.Give(ctx, donation.Form{Amount: amount, Method: "transfer", Name: name, Email: email,
			Anonymous: anonymous, Consent: true, Lang: "es"})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	receive := func(d donation.Donation) {
		t.Helper()
		if _, err := testSvc.MarkReceived(ctx, staff, d.ID, "banco"); err != nil {
			t.Fatal(err)
		}
	}
	receive(give("Rosalba Nombrada", "rosalba@example.co", "50000", false))
	receive(give("Teodoro Anónimo", "teodoro@example.co", "70000", true))
	give("Pilar Pendiente", "pilar@example.co", "20000", false)
	back := give("Rubén Devuelto", "ruben@example.co", "100000", false)
	receive(back)
	if _, err := testSvc.Refund(ctx, staff, back.ID, "devuelta"); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{"/donar", "/en/donate"} {
		count, total, names, p := figures(path)
		if count != count0+2 || total != total0+120_000 {
			t.Errorf("%s: %d gifts totalling %d, want %d and %d (two more, 120.000 more)", path, count, total, count0+2, total0+120_000)
		}
		if !strings.Contains(names, "Rosalba Nombrada") {
			t.Errorf("%s: the named donor is not thanked: %q", path, names)
		}
		body := string(p.Body)
		for _, hidden := range []string{"Teodoro", "teodoro@example.co", "Pilar Pendiente", "Rubén Devuelto", "rosalba@example.co"} {
			if strings.Contains(body, hidden) {
				t.Errorf("%s shows %q", path, hidden)
			}
		}
	}

	setPublic(t, "")
	_, _, _, p := figures("/donar")
	if p.Find(".donate-public").Length() != 0 || strings.Contains(string(p.Body), "Rosalba Nombrada") {
		t.Errorf("with the setting off the page still shows donations: %q", text(p, ".donate-public"))
	}
}

// The receipt page of a card gift that expired unpaid says nothing was charged.
func TestReceiptOfExpiredGift(t *testing.T) {
	svc, base := cardSite(t)
	ctx := context.Background()
	d, _, err := svc.Give(ctx, donation.Form{Amount: "20000", Method: "card", Name: "Elena Expirada",
		Email: "elena@example.co", Consent: true, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ApplyEvent(ctx, payment.Event{ID: "evt_donate_expired", Type: payment.EventCheckoutExpired, DonationID: d.ID}); err != nil {
		t.Fatal(err)
	}
	p := sitetest.NewBrowser(t, base).MustGet(donation.ReceiptPath("en") + "?token=" + svc.Token(d))
	if !strings.Contains(text(p, ".donation-expired"), "nothing was charged") || !strings.HasPrefix(text(p, ".donation-status"), "Expired") {
		t.Errorf("expired gift's receipt: status %q, note %q", text(p, ".donation-status"), text(p, ".donation-expired"))
	}
}
