package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// The price form: a unit price per line (whole pesos as a Colombian types them,
// "35.000" or "35000") and, optionally, its quantity prices ("200: 34.000; 500: 31.000":
// from 200 garments each costs 34.000 pesos, from 500 31.000), the setup fee, lead time, validity, deposit, up to
// maxAssignments workshops with their share of the work (percentages summing to 100)
// and the proof of the logo placement. Field names follow the domain's field errors
// (lines.N.unit_price, lines.N.tiers, setup_fee, lead_time_days, valid_until, deposit_pct, workshops,
// proof), so its errors land on the right inputs.

const (
	maxAssignments = 3
	// defaultValidDays is how long a new price is valid unless staff say otherwise.
	defaultValidDays = 15
)

// PriceView is the price form of a quote.
type PriceView struct {
	Form      *kit.Form
	Lines     []PriceLineRow
	Workshops []AssignmentRow
	// WorkshopsError is the message of the workshops' field error, "" when none.
	WorkshopsError string
	// KeepsProof: a proof is already attached; a new version without one keeps it.
	KeepsProof bool
	Version    int // the version this form will create
}

// PriceLineRow is the unit price input of a line and its quantity prices' input.
type PriceLineRow struct {
	No                 int
	Label              string
	Quantity           int
	Name, Value, Error string
	TiersName          string
	TiersValue         string
	TiersError         string
}

// AssignmentRow is one workshop and its share in the price form.
type AssignmentRow struct {
	N        int
	Options  []Choice
	Share    string
	Selected bool
}

func (h *Handler) quotePrice(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	q, err := h.Quotes.GetForStaff(ctx, id)
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, append(priceFields(q), "proof_kept")...)
	proof, err := readProof(c)
	if err == nil && proof == nil {
		// No new file: the one kept from a refused submit, if any.
		proof, f.Values["proof_kept_name"] = h.keptProof(ctx, f.V("proof_kept"))
	}
	if proof == nil {
		f.Values["proof_kept"] = ""
	}
	var p quote.Pricing
	if err == nil {
		p, err = readPricing(f, q)
	}
	if err == nil {
		p.Proof = proof
		_, err = h.Quotes.Quote(ctx, actor(c), id, p)
	}
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			if tok, name := h.keepProof(ctx, proof); tok != "" {
				f.Values["proof_kept"], f.Values["proof_kept_name"] = tok, name
			}
			return h.renderQuote(c, lang, status, id, "price", f)
		}
		return err
	}
	h.SetFlash(c, "ok", "admin.quotes.price.done")
	kit.Redirect(c, withLang(c, quotePath(id)))
	return nil
}

// priceFields are the price form's field names for q's lines.
func priceFields(q quote.Quote) []string {
	fs := []string{"setup_fee", "lead_time_days", "valid_until", "deposit_pct"}
	for i := range q.Lines {
		fs = append(fs, linePriceField(i), lineTiersField(i))
	}
	for n := 1; n <= maxAssignments; n++ {
		fs = append(fs, "workshop_"+strconv.Itoa(n), "share_"+strconv.Itoa(n))
	}
	return fs
}

func linePriceField(i int) string { return fmt.Sprintf("lines.%d.unit_price", i) }

func lineTiersField(i int) string { return fmt.Sprintf("lines.%d.tiers", i) }

// maxTiersText bounds what the quantity prices' input reads (five tiers fit many times).
const maxTiersText = 200

// readTiers reads a line's quantity prices as staff type them: "200: 34.000; 500: 31.000"
// (a quantity, optionally written "200+" or "1.000", a colon and whole pesos). Empty
// is none; the domain judges whether they go with the unit price.
func readTiers(s string) ([]quote.Tier, bool) {
	if len(s) > maxTiersText {
		return nil, false
	}
	var out []quote.Tier
	for part := range strings.SplitSeq(s, ";") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		qty, price, ok := strings.Cut(part, ":")
		if !ok {
			return nil, false
		}
		qty = strings.TrimSuffix(strings.TrimSpace(qty), "+")
		n, err := strconv.Atoi(strings.NewReplacer(".", "", ",", "", " ", "").Replace(qty))
		if err != nil || n < 0 {
			return nil, false
		}
		m, ok := money.ParseWholePesos(price)
		if !ok {
			return nil, false
		}
		out = append(out, quote.Tier{MinQty: n, UnitMinor: m})
	}
	return out, true
}

// tiersText writes quantity prices the way readTiers reads them ("200: 34000; 500: 31000").
func tiersText(ts []quote.Tier) string {
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		parts = append(parts, strconv.Itoa(t.MinQty)+": "+pesos(t.UnitMinor))
	}
	return strings.Join(parts, "; ")
}

// readPricing turns the form as typed into a price; what cannot be read is a field error
// (422) before the domain judges the rest.
func readPricing(f *kit.Form, q quote.Quote) (quote.Pricing, error) {
	fe := map[string]string{}
	p := quote.Pricing{UnitMinor: map[int]int64{}, Tiers: map[int][]quote.Tier{}}
	for i, l := range q.Lines {
		if ts, ok := readTiers(f.V(lineTiersField(i))); !ok {
			fe[lineTiersField(i)] = "admin.quotes.price.tiers_unreadable"
		} else if len(ts) > 0 {
			p.Tiers[l.LineNo] = ts
		}
		m, ok := money.ParseWholePesos(f.V(linePriceField(i)))
		if !ok || m == 0 {
			fe[linePriceField(i)] = "quote.price_invalid"
			continue
		}
		p.UnitMinor[l.LineNo] = m
	}
	if s := f.V("setup_fee"); s != "" {
		m, ok := money.ParseWholePesos(s)
		if !ok {
			fe["setup_fee"] = "quote.price_invalid"
		}
		p.SetupFee = m
	}
	n, err := strconv.Atoi(f.V("lead_time_days"))
	if err != nil {
		fe["lead_time_days"] = "quote.lead_time_invalid"
	}
	p.LeadTimeDays = n
	if p.ValidUntil, err = time.Parse(time.DateOnly, f.V("valid_until")); err != nil {
		fe["valid_until"] = "admin.quotes.price.date_invalid"
	}
	if s := f.V("deposit_pct"); s != "" {
		if p.DepositPct, err = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "%")); err != nil || p.DepositPct == 0 {
			fe["deposit_pct"] = "quote.deposit_invalid"
		}
	}
	for n := 1; n <= maxAssignments; n++ {
		ws, share := f.V("workshop_"+strconv.Itoa(n)), f.V("share_"+strconv.Itoa(n))
		if ws == "" && share == "" {
			continue
		}
		bps, ok := shareBps(share)
		id := parseID(ws)
		if id == 0 || !ok {
			fe["workshops"] = "admin.quotes.price.share_invalid"
			continue
		}
		p.Workshops = append(p.Workshops, quote.Assignment{WorkshopID: id, WorkBps: bps})
	}
	if len(fe) > 0 {
		return quote.Pricing{}, apperr.Fields(fe)
	}
	return p, nil
}

// shareBps reads a share of the work in percent ("70", "33,33", "33.5 %") as basis points.
func shareBps(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	// Digits only: Atoi alone took "-0.5" for 0.5 % and "1.+5" for 1.05 % (FuzzShareBps).
	if whole == "" || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, false
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || w > 100 {
		return 0, false
	}
	bps := w * 100
	if frac != "" {
		f, err := strconv.Atoi(frac)
		if err != nil || f < 0 {
			return 0, false
		}
		if len(frac) == 1 {
			f *= 10
		}
		bps += f
	}
	return bps, bps > 0 && bps <= 10000
}

// readProof reads the proof file, nil when none was chosen. The domain judges its type
// and size by its bytes; reading stops just past the limit.
func readProof(c *gin.Context) (*quote.Upload, error) {
	fh, err := c.FormFile("proof")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "admin.quotes.price.proof_unreadable")
	}
	file, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("open proof: %w", err)
	}
	defer file.Close()
	body, err := io.ReadAll(io.LimitReader(file, quote.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read proof: %w", err)
	}
	return &quote.Upload{Name: fh.Filename, Body: body}, nil
}

// priceFormFor is the price form as typed when it was refused, else filled from the
// latest version (a re-quote usually changes one thing) or with the defaults.
func (h *Handler) priceFormFor(q quote.Quote, failed string, f *kit.Form) *kit.Form {
	if failed == "price" && f != nil {
		return f
	}
	pf := kit.EmptyForm()
	valid := bogotaToday().AddDate(0, 0, defaultValidDays)
	pf.Values["deposit_pct"] = strconv.Itoa(quote.DefaultDepositPct)
	if len(q.Versions) == 0 {
		pf.Values["valid_until"] = valid.Format(time.DateOnly)
		return pf
	}
	last := q.Versions[len(q.Versions)-1]
	if last.ValidUntil.After(valid) {
		valid = last.ValidUntil
	}
	pf.Values["valid_until"] = valid.Format(time.DateOnly)
	pf.Values["setup_fee"] = pesos(last.SetupFee)
	pf.Values["lead_time_days"] = strconv.Itoa(last.LeadTimeDays)
	pf.Values["deposit_pct"] = strconv.Itoa(last.DepositPct)
	for i, l := range q.Lines {
		for _, u := range last.UnitPrices {
			if u.LineNo == l.LineNo {
				pf.Values[linePriceField(i)] = pesos(u.UnitMinor)
				pf.Values[lineTiersField(i)] = tiersText(u.Tiers)
			}
		}
	}
	for i, w := range last.Workshops {
		if i < maxAssignments {
			pf.Values["workshop_"+strconv.Itoa(i+1)] = itoa(w.WorkshopID)
			pf.Values["share_"+strconv.Itoa(i+1)] = strings.TrimSuffix(percent(w.WorkBps), " %")
		}
	}
	return pf
}

// pesos writes minor units as whole pesos the way the form reads them back ("35000").
func pesos(minor int64) string { return itoa(minor / 100) }

func (h *Handler) priceView(ctx context.Context, lang string, q quote.Quote, f *kit.Form) (PriceView, error) {
	v := PriceView{Form: f, Version: len(q.Versions) + 1}
	if len(q.Versions) > 0 && q.Versions[len(q.Versions)-1].Proof != nil {
		v.KeepsProof = true
	}
	if key := f.Err("workshops"); key != "" {
		v.WorkshopsError = h.T(lang, key)
	}
	for i, l := range q.Lines {
		r := PriceLineRow{No: l.LineNo, Label: h.T(lang, "admin.quotes.price.unit_label", l.LineNo, h.garment(lang, l.Garment)),
			Quantity: l.Quantity, Name: linePriceField(i), Value: f.V(linePriceField(i))}
		if key := f.Err(r.Name); key != "" {
			r.Error = h.T(lang, key)
		}
		r.TiersName, r.TiersValue = lineTiersField(i), f.V(lineTiersField(i))
		if key := f.Err(r.TiersName); key != "" {
			r.TiersError = h.T(lang, key)
		}
		v.Lines = append(v.Lines, r)
	}
	ws, err := h.Editor.ListWorkshopsAdmin(ctx, false)
	if err != nil {
		return PriceView{}, err
	}
	// The sewing workshops do most of this work: they come first.
	slices.SortStableFunc(ws, func(a, b catalog.Workshop) int { return boolRank(sews(b)) - boolRank(sews(a)) })
	for n := 1; n <= maxAssignments; n++ {
		chosen := f.V("workshop_" + strconv.Itoa(n))
		r := AssignmentRow{N: n, Share: f.V("share_" + strconv.Itoa(n)), Selected: chosen != ""}
		for _, w := range ws {
			r.Options = append(r.Options, Choice{Value: itoa(w.ID), Label: w.Name + " · " + craft(w, lang), Selected: itoa(w.ID) == chosen})
		}
		v.Workshops = append(v.Workshops, r)
	}
	return v, nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sews reports whether a workshop's craft is making garments.
func sews(w catalog.Workshop) bool {
	c := strings.ToLower(w.CraftES + " " + w.CraftEN)
	for _, s := range []string{"confecci", "modister", "costura", "sastrer", "garment", "sewing", "dressmak", "tailor"} {
		if strings.Contains(c, s) {
			return true
		}
	}
	return false
}

func craft(w catalog.Workshop, lang string) string {
	if lang == "en" && w.CraftEN != "" {
		return w.CraftEN
	}
	return w.CraftES
}
