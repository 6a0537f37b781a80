package corporate_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/quote"
)

// TestQuoteTiers: a version with quantity prices shows the line at the price its
// quantity reaches, totals with it and tells the company what ordering more costs; a
// version without them shows the unit price alone.
func TestQuoteTiers(t *testing.T) {
	b := empresa(t)
	id := request(t, b)
	path := "/corporate/quotes/" + strconv.FormatInt(id, 10)
	price(t, id, 3500000, false)
	var ws int64
	if err := testDB.Get(&ws, `SELECT id FROM workshops WHERE active ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	// Version 2: 35 polos, from 30 each costs 33.000, from 100 30.000.
	if _, err := testEnv.Quotes.Quote(context.Background(), audit.Actor{}, id, quote.Pricing{UnitMinor: map[int]int64{1: 3500000},
		Tiers:    map[int][]quote.Tier{1: {{MinQty: 30, UnitMinor: 3300000}, {MinQty: 100, UnitMinor: 3000000}}},
		SetupFee: 5000000, LeadTimeDays: 20, ValidUntil: time.Now().AddDate(0, 0, 10),
		Workshops: []quote.Assignment{{WorkshopID: ws, WorkBps: 10000}}}); err != nil {
		t.Fatal(err)
	}

	p := b.mustGet(path)
	checkPage(t, p, "es")
	latest := p.Find(".corp-version.is-latest")
	var cells []string
	latest.Find("tbody tr").First().Find("td").Each(func(_ int, s *goquery.Selection) { cells = append(cells, text(s)) })
	// #, quantity, unit, amount
	if len(cells) != 4 || cells[2] != "$ 33.000" || cells[3] != "$ 1.155.000" {
		t.Errorf("latest line %q, want $ 33.000 each, $ 1.155.000", cells)
	}
	const want = "Por cantidad: 30+ prendas: $ 33.000 c/u; 100+: $ 30.000"
	if got := text(latest.Find(".price-tiers")); got != want {
		t.Errorf("tiers %q, want %q", got, want)
	}
	// 35 × 33.000 + 50.000
	if total := text(p.Find(".corp-money .figure").First()); !strings.Contains(total, "1.205.000") {
		t.Errorf("money box total = %q", total)
	}
	first := p.Find(".corp-version").Last()
	if first.Find(".price-tiers").Length() != 0 || !strings.Contains(text(first.Find("tbody tr").First()), "$ 35.000") {
		t.Errorf("version 1 without tiers: %q", text(first.Find("tbody")))
	}

	en := b.mustGet(path + "?lang=en")
	checkPage(t, en, "en")
	if got := text(en.Find(".corp-version.is-latest .price-tiers")); got != "By quantity: 30+ garments: COP 33,000 each; 100+: COP 30,000" {
		t.Errorf("English tiers %q", got)
	}
}
