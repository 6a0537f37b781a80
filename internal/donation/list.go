package donation

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/sheet"
)

// Filter selects donations for staff: every set field must match. From and To bound
// the creation time ([From, To), zero: open); Q matches the number, the name or the
// email (case-insensitive, substring).
type Filter struct {
	Status  Status
	Method  payment.Method
	From    time.Time
	To      time.Time
	Q       string
	Page    int // from 1
	PerPage int // default 50
}

// where is the filter as SQL conditions over donations and its arguments.
func (f Filter) where() (string, []any) {
	conds := []string{"true"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		conds = append(conds, "status = "+arg(f.Status))
	}
	if f.Method != "" {
		conds = append(conds, "method = "+arg(f.Method))
	}
	if !f.From.IsZero() {
		conds = append(conds, "created_at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		conds = append(conds, "created_at < "+arg(f.To.UTC()))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := arg("%" + db.LikeEscape(q) + "%")
		conds = append(conds, "(number ILIKE "+p+" OR name ILIKE "+p+" OR email ILIKE "+p+")")
	}
	return strings.Join(conds, " AND "), args
}

// List returns a page of the donations matching f, newest first, and how many match.
func (s *Service) List(ctx context.Context, f Filter) ([]Donation, int, error) {
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	cond, args := f.where()
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM donations WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("count donations: %w", db.Translate(err))
	}
	ds := []Donation{}
	sel := `SELECT ` + cols + ` FROM donations WHERE ` + cond + ` ORDER BY created_at DESC, id DESC LIMIT ` +
		strconv.Itoa(f.PerPage) + ` OFFSET ` + strconv.Itoa((f.Page-1)*f.PerPage)
	if err := s.db.SelectContext(ctx, &ds, sel, args...); err != nil {
		return nil, 0, fmt.Errorf("list donations: %w", db.Translate(err))
	}
	return ds, total, nil
}

// csvHeader names WriteCSV's columns; amounts in currency units with two decimals.
var csvHeader = []string{"number", "created_at", "status", "method", "amount", "currency", "name", "email",
	"doc_type", "doc_number", "anonymous", "received_at", "refunded_at", "payment_ref", "refund_ref"}

// WriteCSV writes every donation matching f (Page and PerPage ignored), newest first, as
// a spreadsheet CSV (package sheet: BOM, formula cells neutralised).
func (s *Service) WriteCSV(ctx context.Context, f Filter, w io.Writer) error {
	cond, args := f.where()
	rows, err := s.db.QueryxContext(ctx, `SELECT `+cols+` FROM donations WHERE `+cond+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return fmt.Errorf("export donations: %w", db.Translate(err))
	}
	defer rows.Close()
	cw, err := sheet.NewWriter(w)
	if err != nil {
		return err
	}
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(colombia).Format(time.DateTime)
	}
	for rows.Next() {
		var d Donation
		if err := rows.StructScan(&d); err != nil {
			return fmt.Errorf("export donations: %w", err)
		}
		rec := []string{d.Number, at(&d.CreatedAt), string(d.Status), string(d.Method), money.Decimal(d.AmountMinor), d.Currency,
			d.Name, d.Email, d.DocType, d.DocNumber, strconv.FormatBool(d.Anonymous), at(d.ReceivedAt), at(d.RefundedAt),
			d.PaymentRef, d.RefundRef}
		for i := range rec {
			rec[i] = sheet.Cell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export donations: %w", err)
	}
	cw.Flush()
	return cw.Error()
}
