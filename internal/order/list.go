package order

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/sheet"
)

// where builds the filter's condition; args are numbered from 1.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		conds = append(conds, "o.status = "+arg(f.Status))
	}
	if f.Method != "" {
		conds = append(conds, "o.payment_method = "+arg(f.Method))
	}
	if !f.From.IsZero() {
		conds = append(conds, "o.created_at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "o.created_at < "+arg(f.To))
	}
	if f.Flagged {
		conds = append(conds, "o.flagged")
	}
	if f.Uncollected {
		conds = append(conds, "o.delivery_method = '"+string(DeliveryPickup)+"' AND o.picked_up_at IS NULL AND o.status = '"+string(StatusPaid)+"' AND o.pickup_ready_at < "+arg(f.readyBefore))
	}
	if f.Delivery != "" {
		conds = append(conds, "o.delivery_method = "+arg(f.Delivery))
	}
	if f.ToPrepare {
		conds = append(conds, "o.delivery_method = "+arg(DeliveryPickup)+" AND o.pickup_ready_at IS NULL AND (o.status = "+
			arg(StatusPaid)+" OR o.status = "+arg(StatusPending)+" AND o.payment_method = "+arg(payment.MethodCOD)+")")
	}
	if f.WorkshopID != 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.workshop_id = "+arg(f.WorkshopID)+")")
	}
	if q := strings.TrimSpace(strings.ToValidUTF8(f.Query, "")); q != "" {
		if r := []rune(q); len(r) > 100 {
			q = string(r[:100])
		}
		a := arg(db.LikeEscape(q))
		conds = append(conds, "(o.number ILIKE '%' || "+a+" || '%' OR o.email ILIKE '%' || "+a+" || '%' OR o.name ILIKE '%' || "+a+" || '%')")
	}
	if len(conds) == 0 {
		return "true", args
	}
	return strings.Join(conds, " AND "), args
}

var oCols = "o." + strings.ReplaceAll(strings.Join(strings.Fields(orderCols), " "), ", ", ", o.")

// List returns one page of orders (without lines), newest first, and how many match.
func (s *Service) List(ctx context.Context, f Filter) ([]Order, int, error) {
	if f.PerPage <= 0 || f.PerPage > 500 {
		f.PerPage = 50
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	f.readyBefore = s.now().Add(-s.opts.PickupUncollectedAfter)
	cond, args := f.where()
	var total int
	if err := sqlx.GetContext(ctx, s.db, &total, `SELECT count(*) FROM orders o WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("count orders: %w", db.Translate(err))
	}
	n := len(args)
	sel := `SELECT ` + oCols + ` FROM orders o WHERE ` + cond + ` ORDER BY o.created_at DESC, o.id DESC
		LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2)
	var os []Order
	if err := sqlx.SelectContext(ctx, s.db, &os, sel, append(args, f.PerPage, (f.Page-1)*f.PerPage)...); err != nil {
		return nil, 0, fmt.Errorf("list orders: %w", db.Translate(err))
	}
	return os, total, nil
}

// csvHeader names the columns of WriteCSV: one row per order line, the order's fields
// repeated; amounts in currency units with two decimals.
var csvHeader = []string{"number", "created_at", "status", "payment_method", "flagged", "email", "name", "phone",
	"department", "city", "line_no", "sku", "title", "size", "color", "workshop_id", "workshop", "quantity",
	"unit", "tax_class", "line_tax", "line_total", "subtotal", "shipping", "donation", "total", "refunded", "currency",
	"delivery_method", "pickup_point", "pickup_ready_at", "picked_up_at"}

// WriteCSV writes every order matching f (Page and PerPage ignored), one row per line,
// newest order first, as a spreadsheet CSV (sheet: BOM, formula cells neutralised).
func (s *Service) WriteCSV(ctx context.Context, f Filter, w io.Writer) error {
	f.readyBefore = s.now().Add(-s.opts.PickupUncollectedAfter)
	cond, args := f.where()
	sel := `SELECT ` + oCols + `, l.line_no, l.sku, l.title_es, l.size, l.color_es, l.workshop_id, l.workshop_name,
			l.quantity, l.unit_minor, l.tax_class AS line_tax_class, l.tax_minor AS line_tax_minor, l.line_total_minor
		FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE ` + cond + `
		ORDER BY o.created_at DESC, o.id DESC, l.line_no`
	rows, err := s.db.QueryxContext(ctx, sel, args...)
	if err != nil {
		return fmt.Errorf("export orders: %w", db.Translate(err))
	}
	defer rows.Close()
	cw, err := sheet.NewWriter(w)
	if err != nil {
		return err
	}
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for rows.Next() {
		var r struct {
			Order
			LineNo     int    `db:"line_no"`
			SKU        string `db:"sku"`
			Title      string `db:"title_es"`
			Size       string `db:"size"`
			Color      string `db:"color_es"`
			WorkshopID int64  `db:"workshop_id"`
			Workshop   string `db:"workshop_name"`
			Quantity   int    `db:"quantity"`
			Unit       int64  `db:"unit_minor"`
			TaxClass   string `db:"line_tax_class"`
			LineTax    int64  `db:"line_tax_minor"`
			LineTotal  int64  `db:"line_total_minor"`
		}
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("export orders: %w", err)
		}
		o := r.Order
		rec := []string{o.Number, o.CreatedAt.In(colombia).Format(time.DateTime), string(o.Status), string(o.Method),
			strconv.FormatBool(o.Flagged), o.Email, o.Name, o.Phone, o.Department, o.City, strconv.Itoa(r.LineNo),
			r.SKU, r.Title, r.Size, r.Color, strconv.FormatInt(r.WorkshopID, 10), r.Workshop, strconv.Itoa(r.Quantity),
			money.Decimal(r.Unit), r.TaxClass, money.Decimal(r.LineTax), money.Decimal(r.LineTotal), money.Decimal(o.Subtotal), money.Decimal(o.Shipping),
			money.Decimal(o.Donation), money.Decimal(o.Total), money.Decimal(o.RefundedMinor), o.Currency,
			string(o.Delivery), s.pickupPointName(o.PickupPoint), csvTime(o.PickupReadyAt), csvTime(o.PickedUpAt)}
		for i := range rec {
			rec[i] = sheet.Cell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export orders: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// pickupPointName is the configured name of a pickup point ("" for none); a point no
// longer configured shows its id.
func (s *Service) pickupPointName(id string) string {
	if id == "" {
		return ""
	}
	if p, ok := s.PickupPoint(id); ok {
		return p.Name
	}
	return id
}

// csvTime writes a moment as Bogotá's date and time, "" for none.
func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(colombia).Format(time.DateTime)
}
