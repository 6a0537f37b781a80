package seed

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

// noMail drops the demo orders' emails: their shoppers do not exist.
type noMail struct{}

func (noMail) Enqueue(context.Context, *sqlx.Tx, notify.Message) error { return nil }

// demoBuyers are the demo orders' shoppers (made up), with where they live.
var demoBuyers = []struct{ name, email, department, city string }{
	{"Valentina Ríos", "valentina.rios@example.co", "Antioquia", "Medellín"},
	{"Andrés Castaño", "andres.castano@example.co", "Bogotá D.C.", "Bogotá"},
	{"Paola Mejía", "paola.mejia@example.co", "Valle del Cauca", "Cali"},
	{"Julián Ortiz", "julian.ortiz@example.co", "Atlántico", "Barranquilla"},
	{"Sofía Herrera", "sofia.herrera@example.co", "Santander", "Bucaramanga"},
}

// DemoOrders writes a few months of orders through the order service, as staff and
// shoppers would, with the clock set back: paid by transfer or in cash on delivery,
// some shipped and delivered, one refunded in part (a line), one in full, and one
// payout to the demo lead's workshop, so that statements, the ledger overview and
// `libres reconcile` have something to show. The demo customer placed some of them.
func DemoOrders(ctx context.Context, conn *sqlx.DB, log *slog.Logger) error {
	start := ledger.DayStart(time.Now().AddDate(0, 0, -100)).Add(10 * time.Hour)
	clock := &demoClock{t: start}
	lg := ledger.New(conn, ledger.Options{Now: clock.now})
	svc := order.New(conn, noMail{}, order.Options{Now: clock.now, Ledger: lg,
		Shipping: order.ShippingTable{Default: 15_000_00, FreeFrom: 400_000_00}})
	admin, err := account.UserByEmail(ctx, conn, DemoAccounts()[0].Email)
	if err != nil {
		return fmt.Errorf("demo orders: admin: %w", err)
	}
	customer, err := account.UserByEmail(ctx, conn, DemoAccounts()[3].Email)
	if err != nil {
		return fmt.Errorf("demo orders: customer: %w", err)
	}
	staff := audit.Actor{ID: admin.ID, Email: admin.Email}
	byWorkshop, leadWS, err := demoVariants(ctx, conn)
	if err != nil {
		return err
	}
	// The lead's workshop earns a slightly larger share from the start.
	if err := lg.SetShare(ctx, staff, leadWS, 6500, clock.now()); err != nil {
		return fmt.Errorf("demo share: %w", err)
	}
	var placed []order.Order
	for i := 0; i < 16; i++ {
		clock.add(time.Duration(5*24+i%3*7) * time.Hour)
		// Every other order holds something of the lead's workshop, beside one or two others.
		var lines []int64
		if i%2 == 0 {
			lines = append(lines, pick(byWorkshop[leadWS], i))
		}
		others := otherWorkshops(byWorkshop, leadWS)
		lines = append(lines, pick(byWorkshop[others[i%len(others)]], i/2))
		if i%3 == 0 {
			lines = append(lines, pick(byWorkshop[others[(i+2)%len(others)]], i))
		}
		userID := int64(0)
		if i%5 == 0 {
			userID = customer.ID
		}
		method := payment.MethodTransfer
		if i%4 == 1 {
			method = payment.MethodCOD
		}
		o, err := demoPlace(ctx, svc, userID, method, i, lines)
		if err != nil {
			return fmt.Errorf("demo order %d: %w", i, err)
		}
		clock.add(20 * time.Hour)
		if method == payment.MethodCOD {
			if _, err := svc.Ship(ctx, staff, o.ID, "Servientrega", "SV"+strconv.Itoa(900100+i)); err != nil {
				return fmt.Errorf("demo order %d: ship: %w", i, err)
			}
			clock.add(3 * 24 * time.Hour)
		}
		if o, err = svc.MarkPaid(ctx, staff, o.ID, "DEMO-"+strconv.Itoa(4100+i)); err != nil {
			return fmt.Errorf("demo order %d: paid: %w", i, err)
		}
		if method == payment.MethodTransfer && i%3 != 2 && i != 6 {
			clock.add(24 * time.Hour)
			if o, err = svc.Ship(ctx, staff, o.ID, "Interrapidísimo", "IR"+strconv.Itoa(700200+i)); err == nil {
				clock.add(2 * 24 * time.Hour)
				o, err = svc.MarkDelivered(ctx, staff, o.ID)
			}
			if err != nil {
				return fmt.Errorf("demo order %d: shipping: %w", i, err)
			}
		}
		placed = append(placed, o)
	}
	// A size that did not fit, sent back: its line refunded. An order cancelled by the
	// shopper before shipping: refunded in full.
	clock.add(24 * time.Hour)
	partial := placed[2]
	if _, err := svc.RecordRefund(ctx, staff, partial.ID, partial.Lines[0].TotalMinor, "DEV-001", []int{1}); err != nil {
		return fmt.Errorf("demo refund of a line: %w", err)
	}
	full := placed[6]
	if _, err := svc.RecordRefund(ctx, staff, full.ID, full.Total, "DEV-002", nil); err != nil {
		return fmt.Errorf("demo full refund: %w", err)
	}
	// Half of what the lead's workshop is owed, paid out.
	clock.add(24 * time.Hour)
	balance, err := lg.Balance(ctx, leadWS, time.Time{})
	if err != nil {
		return err
	}
	if _, err := lg.RecordPayout(ctx, staff, ledger.PayoutInput{WorkshopID: leadWS, AmountMinor: balance / 2 / 100 * 100,
		Date: clock.now(), Method: "transfer", Reference: "TRF-DEMO-001", Memo: "Pago al fondo del taller"}); err != nil {
		return fmt.Errorf("demo payout: %w", err)
	}
	log.Info("demo orders placed", "orders", len(placed), "refunds", 2, "payouts", 1)
	return nil
}

func demoPlace(ctx context.Context, svc *order.Service, userID int64, method payment.Method, i int, variants []int64) (order.Order, error) {
	token := ""
	for k, v := range variants {
		_, tok, err := svc.Add(ctx, token, userID, v, strconv.Itoa(1+(i+k)%2))
		if err != nil {
			return order.Order{}, fmt.Errorf("add variant %d: %w", v, err)
		}
		if tok != "" {
			token = tok
		}
	}
	b := demoBuyers[i%len(demoBuyers)]
	in := order.CheckoutInput{Email: b.email, Name: b.name, Phone: "+57 300 555 01" + fmt.Sprintf("%02d", i),
		Department: b.department, City: b.city, AddressLine: "Calle " + strconv.Itoa(10+i) + " # 4-2" + strconv.Itoa(i%10),
		PaymentMethod: string(method), AcceptPolicy: true, PolicyVersion: "demo", Lang: "es", Donation: "0"}
	if i%4 == 3 {
		in.Donation = "10000"
	}
	if userID != 0 {
		in.Email, in.Name = DemoAccounts()[3].Email, DemoAccounts()[3].Name
	}
	return svc.Place(ctx, token, userID, in)
}

// demoVariants returns, for every workshop, variants of its active products with
// plenty of stock (a few, by id), and the workshop of the demo lead. Each workshop's
// first product is left alone, untouched by orders, as the first thing a newcomer
// edits (its sizes can still be removed: no order holds them).
func demoVariants(ctx context.Context, conn *sqlx.DB) (map[int64][]int64, int64, error) {
	var rows []struct {
		WorkshopID int64 `db:"workshop_id"`
		VariantID  int64 `db:"variant_id"`
	}
	const sel = `SELECT p.workshop_id, v.id AS variant_id FROM variants v JOIN products p ON p.id = v.product_id
		WHERE p.status = '` + string(catalog.StatusActive) + `' AND v.stock_on_hand >= 8
			AND p.id <> (SELECT min(f.id) FROM products f WHERE f.workshop_id = p.workshop_id)
		ORDER BY p.workshop_id, p.id, v.id`
	if err := sqlx.SelectContext(ctx, conn, &rows, sel); err != nil {
		return nil, 0, fmt.Errorf("demo variants: %w", err)
	}
	out := map[int64][]int64{}
	for _, r := range rows {
		if len(out[r.WorkshopID]) < 6 {
			out[r.WorkshopID] = append(out[r.WorkshopID], r.VariantID)
		}
	}
	var lead int64
	const selLead = `SELECT m.workshop_id FROM workshop_members m JOIN users u ON u.id = m.user_id WHERE u.email = $1 LIMIT 1`
	if err := sqlx.GetContext(ctx, conn, &lead, selLead, DemoAccounts()[1].Email); err != nil {
		return nil, 0, fmt.Errorf("demo lead's workshop: %w", err)
	}
	if len(out[lead]) == 0 || len(out) < 3 {
		return nil, 0, fmt.Errorf("demo orders: too few variants in stock (%d workshops)", len(out))
	}
	return out, lead, nil
}

func otherWorkshops(by map[int64][]int64, lead int64) []int64 {
	var ids []int64
	for id := range by {
		if id != lead {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func pick(vs []int64, i int) int64 { return vs[i%len(vs)] }

// demoClock is the demo's clock, moved forward by hand.
type demoClock struct{ t time.Time }

func (c *demoClock) now() time.Time      { return c.t }
func (c *demoClock) add(d time.Duration) { c.t = c.t.Add(d) }
