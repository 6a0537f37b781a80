package quote

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// DefaultDepositPct is the share of the total paid before production starts.
const DefaultDepositPct = 50

// UnitPrice is the price of one garment of a line, in COP minor units (IVA included),
// and the lower prices of larger orders, if any. Versions priced before tiers existed
// have none and keep working: the column is jsonb.
type UnitPrice struct {
	LineNo    int    `json:"line_no"`
	UnitMinor int64  `json:"unit_minor"`
	Tiers     []Tier `json:"tiers,omitempty"`
}

// Tier is a quantity price: from MinQty garments of the line on, each costs UnitMinor.
type Tier struct {
	MinQty    int   `json:"min_qty"`
	UnitMinor int64 `json:"unit_minor"`
}

// MaxTiers is how many quantity prices a line may have.
const MaxTiers = 5

// Applied is the unit price of qty garments: the tier with the largest MinQty not above
// qty, else the base price.
func (u UnitPrice) Applied(qty int) int64 {
	price, from := u.UnitMinor, 0
	for _, t := range u.Tiers {
		if t.MinQty <= qty && t.MinQty > from {
			price, from = t.UnitMinor, t.MinQty
		}
	}
	return price
}

// Amount is what qty garments of the line cost at the applied price.
func (u UnitPrice) Amount(qty int) int64 { return u.Applied(qty) * int64(qty) }

// tiersOK reports whether tiers may go with a base unit price: at most MaxTiers, each
// from more than one garment and from more than the one before, each cheaper than the
// one before and than the base, and above zero.
func tiersOK(base int64, tiers []Tier) bool {
	if len(tiers) > MaxTiers {
		return false
	}
	minQty, below := 1, base
	for _, t := range tiers {
		if t.MinQty <= minQty || t.UnitMinor <= 0 || t.UnitMinor >= below {
			return false
		}
		minQty, below = t.MinQty, t.UnitMinor
	}
	return true
}

// Version is one price staff gave for a quote; a new one never replaces the earlier.
type Version struct {
	QuoteID      int64       `db:"quote_id"`
	Version      int         `db:"version"`
	Currency     string      `db:"currency"`
	UnitPrices   []UnitPrice `db:"-"`
	RawPrices    []byte      `db:"unit_prices"`
	SetupFee     int64       `db:"setup_fee_minor"`
	Total        int64       `db:"total_minor"`
	LeadTimeDays int         `db:"lead_time_days"`
	ValidUntil   time.Time   `db:"valid_until"`
	DepositPct   int         `db:"deposit_pct"`
	CreatedBy    *int64      `db:"created_by"`
	CreatedAt    time.Time   `db:"created_at"`

	Workshops []Assignment `db:"-"` // who does the work, and their share of it
	Proof     *File        `db:"-"` // the logo placement the client approves
}

// Deposit is the amount due before production, rounded up to the peso minor unit.
func (v Version) Deposit() int64 { return (v.Total*int64(v.DepositPct) + 99) / 100 }

// Price is the unit price of line lineNo in v; false when v does not price it.
func (v Version) Price(lineNo int) (UnitPrice, bool) {
	for _, u := range v.UnitPrices {
		if u.LineNo == lineNo {
			return u, true
		}
	}
	return UnitPrice{}, false
}

// Pricing is staff's price for a quote. UnitMinor maps line numbers to unit prices and
// must price every line; Tiers (optional, by line number too) are the lower prices of
// larger quantities (see tiersOK). DepositPct 0 means DefaultDepositPct.
type Pricing struct {
	UnitMinor    map[int]int64
	Tiers        map[int][]Tier
	SetupFee     int64
	LeadTimeDays int
	ValidUntil   time.Time // a day in Bogotá
	DepositPct   int
	// Workshops that will do the work and their share of it (basis points summing to
	// 10000); at least one.
	Workshops []Assignment
	// Proof is the image (PNG, JPEG or PDF) of the logo placement; a new version without
	// one keeps the previous version's proof.
	Proof *Upload
}

func versions(ctx context.Context, q db.Querier, quoteID int64) ([]Version, error) {
	vs := []Version{}
	const sel = `SELECT quote_id, version, currency, unit_prices, setup_fee_minor, total_minor, lead_time_days, valid_until,
		deposit_pct, created_by, created_at FROM quote_versions WHERE quote_id = $1 ORDER BY version`
	if err := sqlx.SelectContext(ctx, q, &vs, sel, quoteID); err != nil {
		return nil, fmt.Errorf("versions of quote %d: %w", quoteID, db.Translate(err))
	}
	for i := range vs {
		if err := json.Unmarshal(vs[i].RawPrices, &vs[i].UnitPrices); err != nil {
			return nil, fmt.Errorf("prices of quote %d version %d: %w", quoteID, vs[i].Version, err)
		}
	}
	return vs, nil
}

// Quote is staff pricing a requested quote (it becomes quoted) or giving a quoted one a
// new version (it stays quoted, with the new validity, and may be reminded again).
// Earlier versions are kept. The company is emailed the new price.
func (s *Service) Quote(ctx context.Context, actor audit.Actor, id int64, p Pricing) (Quote, error) {
	if p.DepositPct == 0 {
		p.DepositPct = DefaultDepositPct
	}
	fe := map[string]string{}
	if p.SetupFee < 0 {
		fe["setup_fee"] = "quote.price_invalid"
	}
	if p.LeadTimeDays < 1 || p.LeadTimeDays > 365 {
		fe["lead_time_days"] = "quote.lead_time_invalid"
	}
	if p.DepositPct < 1 || p.DepositPct > 100 {
		fe["deposit_pct"] = "quote.deposit_invalid"
	}
	if !p.ValidUntil.After(s.today()) {
		fe["valid_until"] = "quote.valid_until_past"
	}
	if key := sharesOK(p.Workshops); key != "" {
		fe["workshops"] = key
	}
	var proof *checkedFile
	if p.Proof != nil {
		cf, err := checkFiles([]Upload{*p.Proof})
		if err != nil {
			fe["proof"] = apperr.FieldsOf(err)["files.0"]
		} else {
			proof = &cf[0]
		}
	}
	if len(fe) == 0 && proof != nil {
		if err := s.putFiles(ctx, []checkedFile{*proof}); err != nil {
			return Quote{}, err
		}
	}
	var q Quote
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		if q, err = s.load(ctx, tx, id, 0, true); err != nil {
			return err
		}
		if q.Status != StatusRequested && q.Status != StatusQuoted {
			return transitionErr(q, StatusQuoted)
		}
		prices := make([]UnitPrice, 0, len(q.Lines))
		total := p.SetupFee
		for i, l := range q.Lines {
			u, ok := p.UnitMinor[l.LineNo]
			if !ok || u <= 0 {
				fe[fmt.Sprintf("lines.%d.unit_price", i)] = "quote.price_invalid"
				continue
			}
			up := UnitPrice{LineNo: l.LineNo, UnitMinor: u, Tiers: p.Tiers[l.LineNo]}
			if !tiersOK(u, up.Tiers) {
				fe[fmt.Sprintf("lines.%d.tiers", i)] = "quote.tiers_invalid"
				continue
			}
			prices = append(prices, up)
			total += up.Amount(l.Quantity)
		}
		if _, ok := fe["workshops"]; !ok {
			if err := activeWorkshops(ctx, tx, p.Workshops); err != nil {
				if apperr.CodeOf(err) != apperr.Invalid {
					return err
				}
				fe["workshops"] = apperr.KeyOf(err)
			}
		}
		if len(fe) > 0 {
			return apperr.Fields(fe)
		}
		raw, err := json.Marshal(prices)
		if err != nil {
			return err
		}
		validUntil := time.Date(p.ValidUntil.Year(), p.ValidUntil.Month(), p.ValidUntil.Day(), 0, 0, 0, 0, time.UTC)
		const ins = `INSERT INTO quote_versions (quote_id, version, unit_prices, setup_fee_minor, total_minor,
				lead_time_days, valid_until, deposit_pct, created_by)
			VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM quote_versions WHERE quote_id = $1),
				$2, $3, $4, $5, $6, $7, $8) RETURNING version`
		var version int
		if err := tx.GetContext(ctx, &version, ins, id, string(raw), p.SetupFee, total, p.LeadTimeDays, validUntil,
			p.DepositPct, nullID(actor.ID)); err != nil {
			return fmt.Errorf("price quote %s: %w", q.Number, db.Translate(err))
		}
		if err := writeWorkshops(ctx, tx, id, version, p.Workshops); err != nil {
			return err
		}
		if err := writeProof(ctx, tx, id, version, proof); err != nil {
			return err
		}
		if q.Status == StatusRequested {
			if q, err = s.move(ctx, tx, actor, id, 0, StatusQuoted, ""); err != nil {
				return err
			}
		}
		// A new validity deserves its own reminder.
		const upd = `UPDATE quotes SET valid_until = $2, reminded_at = NULL WHERE id = $1`
		if _, err := tx.ExecContext(ctx, upd, id, validUntil); err != nil {
			return fmt.Errorf("validity of quote %s: %w", q.Number, db.Translate(err))
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "quote.price", Entity: "quote",
			EntityID: strconv.FormatInt(id, 10), Summary: fmt.Sprintf("%s v%d total %d", q.Number, version, total),
			After: pricingRecord(p, version, total)}); err != nil {
			return err
		}
		if q, err = s.load(ctx, tx, id, 0, false); err != nil {
			return err
		}
		v := q.Versions[len(q.Versions)-1]
		return s.mailSide(ctx, tx, q, true, mailQuoted, func(lang string) map[string]any {
			return map[string]any{"Version": v.Version, "Total": formatMoney(v.Total, v.Currency, lang),
				"ValidUntil": formatDay(v.ValidUntil, lang)}
		})
	})
	return q, err
}

// pricingRecord is what the audit log keeps of a price: the proof's name, not its bytes.
func pricingRecord(p Pricing, version int, total int64) map[string]any {
	r := map[string]any{"version": version, "total": total, "unit_minor": p.UnitMinor, "setup_fee": p.SetupFee,
		"lead_time_days": p.LeadTimeDays, "valid_until": p.ValidUntil.Format(time.DateOnly),
		"deposit_pct": p.DepositPct, "workshops": p.Workshops}
	if len(p.Tiers) > 0 {
		r["tiers"] = p.Tiers
	}
	if p.Proof != nil {
		r["proof"] = p.Proof.Name
	}
	return r
}

// sharesOK checks the workshops' shares alone: at least one, each workshop once, each
// share 1..10000 basis points, all summing to 10000. It returns a message key or "".
func sharesOK(ws []Assignment) string {
	if len(ws) == 0 {
		return "quote.workshops_required"
	}
	seen := map[int64]bool{}
	sum := 0
	for _, w := range ws {
		if w.WorkshopID <= 0 || seen[w.WorkshopID] {
			return "quote.workshop_unknown"
		}
		seen[w.WorkshopID] = true
		if w.WorkBps < 1 || w.WorkBps > 10000 {
			return "quote.workshop_shares"
		}
		sum += w.WorkBps
	}
	if sum != 10000 {
		return "quote.workshop_shares"
	}
	return ""
}

// activeWorkshops refuses a workshop that does not exist or no longer works.
func activeWorkshops(ctx context.Context, q db.Querier, ws []Assignment) error {
	ids := make([]int64, 0, len(ws))
	for _, w := range ws {
		ids = append(ids, w.WorkshopID)
	}
	var n int
	const sel = `SELECT count(*) FROM workshops WHERE id = ANY($1) AND active`
	if err := sqlx.GetContext(ctx, q, &n, sel, pq.Array(ids)); err != nil {
		return fmt.Errorf("check workshops: %w", db.Translate(err))
	}
	if n != len(ids) {
		return apperr.New(apperr.Invalid, "quote.workshop_unknown")
	}
	return nil
}

func writeWorkshops(ctx context.Context, tx *sqlx.Tx, id int64, version int, ws []Assignment) error {
	const ins = `INSERT INTO quote_workshops (quote_id, version, workshop_id, work_bps) VALUES ($1, $2, $3, $4)`
	for _, w := range ws {
		if _, err := tx.ExecContext(ctx, ins, id, version, w.WorkshopID, w.WorkBps); err != nil {
			return fmt.Errorf("workshop %d of quote %d version %d: %w", w.WorkshopID, id, version, db.Translate(err))
		}
	}
	return nil
}

// writeProof attaches the new proof to version, or else the previous version's proof.
func writeProof(ctx context.Context, tx *sqlx.Tx, id int64, version int, proof *checkedFile) error {
	if proof != nil {
		const ins = `INSERT INTO quote_files (quote_id, object_key, name, content_type, size_bytes, kind, version)
			VALUES ($1, $2, $3, $4, $5, 'proof', $6)`
		if _, err := tx.ExecContext(ctx, ins, id, proof.Key, proof.Name, proof.ContentType, proof.Size, version); err != nil {
			return fmt.Errorf("proof of quote %d version %d: %w", id, version, db.Translate(err))
		}
		return nil
	}
	const keep = `INSERT INTO quote_files (quote_id, object_key, name, content_type, size_bytes, kind, version)
		SELECT quote_id, object_key, name, content_type, size_bytes, 'proof', $2
		FROM quote_files WHERE quote_id = $1 AND kind = 'proof' AND version = $2 - 1`
	if _, err := tx.ExecContext(ctx, keep, id, version); err != nil {
		return fmt.Errorf("keep proof of quote %d version %d: %w", id, version, db.Translate(err))
	}
	return nil
}
