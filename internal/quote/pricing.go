package quote

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// DefaultDepositPct is the share of the total paid before production starts.
const DefaultDepositPct = 50

// UnitPrice is the price of one garment of a line, in COP minor units (IVA included).
type UnitPrice struct {
	LineNo    int   `json:"line_no"`
	UnitMinor int64 `json:"unit_minor"`
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

// Pricing is staff's price for a quote. UnitMinor maps line numbers to unit prices and
// must price every line; DepositPct 0 means DefaultDepositPct.
type Pricing struct {
	UnitMinor    map[int]int64
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
	const sel = `SELECT * FROM quote_versions WHERE quote_id = $1 ORDER BY version`
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
// new version (it stays quoted, with the new validity). Earlier versions are kept.
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
			prices = append(prices, UnitPrice{LineNo: l.LineNo, UnitMinor: u})
			total += u * int64(l.Quantity)
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
				$2, $3, $4, $5, $6, $7, $8)`
		if _, err := tx.ExecContext(ctx, ins, id, string(raw), p.SetupFee, total, p.LeadTimeDays, validUntil,
			p.DepositPct, nullID(actor.ID)); err != nil {
			return fmt.Errorf("price quote %s: %w", q.Number, db.Translate(err))
		}
		if q.Status == StatusRequested {
			if q, err = s.move(ctx, tx, actor, id, 0, StatusQuoted, ""); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET valid_until = $2 WHERE id = $1`, id, validUntil); err != nil {
			return fmt.Errorf("validity of quote %s: %w", q.Number, db.Translate(err))
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "quote.price", Entity: "quote",
			EntityID: strconv.FormatInt(id, 10), Summary: fmt.Sprintf("%s total %d", q.Number, total),
			After: p}); err != nil {
			return err
		}
		q, err = s.load(ctx, tx, id, 0, false)
		return err
	})
	return q, err
}
