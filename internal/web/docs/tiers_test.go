package docs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/quote"
)

// TestQuoteDocumentTiers: when staff gave a line quantity prices, the quote prices the
// line at the one its quantity reaches, totals with it, and tells the company what
// ordering more would cost, on the page and in the PDF; a line without them says nothing.
func TestQuoteDocumentTiers(t *testing.T) {
	co, uid := company(t, 7)
	q := pricedQuote(t, co.ID, uid)
	var workshop int64
	if err := testDB.Get(&workshop, `SELECT id FROM workshops WHERE slug = 'modisteria-buen-pastor'`); err != nil {
		t.Fatal(err)
	}
	// Version 2: from 30 polos each costs 42.000 (35 are asked for), from 1.000 39.000.
	_, err := testQuotes.Quote(context.Background(), staff, q.ID, quote.Pricing{UnitMinor: map[int]int64{1: 4500000, 2: 3000000},
		Tiers:    map[int][]quote.Tier{1: {{MinQty: 30, UnitMinor: 4200000}, {MinQty: 1000, UnitMinor: 3900000}}},
		SetupFee: 12000000, LeadTimeDays: 20, ValidUntil: time.Now().AddDate(0, 0, 15),
		Workshops: []quote.Assignment{{WorkshopID: workshop, WorkBps: 10000}}})
	if err != nil {
		t.Fatal(err)
	}
	b := loginAs(t, companyURL, uid)

	p := b.mustGet(quotePath(q.ID, "quote"))
	var cells []string
	p.Find(".doc-table tbody tr").First().Find("td").Each(func(_ int, s *goquery.Selection) { cells = append(cells, text(s)) })
	if len(cells) != 7 || cells[5] != "$ 42.000" || cells[6] != "$ 1.470.000" {
		t.Errorf("first line %q, want $ 42.000 each, $ 1.470.000", cells)
	}
	// 35 × 42.000 + 12 × 30.000 + 120.000
	if total := text(p.Find(".doc-totals .figure-total")); !strings.Contains(total, "$ 1.950.000") {
		t.Errorf("total %q, want $ 1.950.000", total)
	}
	sec := p.Find(".doc-section").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return text(s.Find("h2")) == "Precios por cantidad"
	})
	if sec.Length() != 1 || sec.Find(".doc-fields div").Length() != 1 {
		t.Fatalf("quantity prices section: %q", text(p.Find(".doc-section")))
	}
	const want = "30+ prendas: $ 42.000 c/u; 1.000+: $ 39.000"
	if got := text(sec.Find("dd")); got != want {
		t.Errorf("tiers %q, want %q", got, want)
	}
	if label := text(sec.Find("dt")); !strings.HasPrefix(label, "1. Polo") {
		t.Errorf("tiers label %q, want line 1", label)
	}
	f := b.get(quotePath(q.ID, "quote.pdf"))
	if !pdfHas(t, f.body, "30+ prendas: $\u00a042.000 c/u; 1.000+: $\u00a039.000") || !pdfHas(t, f.body, "Precios por cantidad") {
		t.Errorf("PDF lacks the quantity prices")
	}
	en := b.mustGet(quotePath(q.ID, "quote") + "?lang=en")
	if got := text(en.Find(".doc-section dd")); !strings.Contains(got, "30+ garments: COP 42,000 each; 1,000+: COP 39,000") {
		t.Errorf("English tiers %q", got)
	}

	// The quote priced without tiers has no such section.
	plain := pricedQuote(t, co.ID, uid)
	if p := b.mustGet(quotePath(plain.ID, "quote")); p.Find(".doc-section").Length() != 1 {
		t.Errorf("a quote without tiers has %d sections, want 1", p.Find(".doc-section").Length())
	}
}
