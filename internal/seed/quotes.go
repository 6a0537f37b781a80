package seed

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/quote"
)

// DemoQuotes gives the demo company quotes in several states, made through the quote
// service as its people and staff would, so a newcomer sees the whole path: one waiting
// for a price, one quoted with a proof to approve, one declined, one in production with
// progress recorded, and one delivered and paid in full (its workshops credited in the
// ledger). The sewing workshop does the work (with the garment workshop on the jackets).
func DemoQuotes(ctx context.Context, conn *sqlx.DB, files media.Store, log *slog.Logger) error {
	users := map[string]account.User{}
	for _, email := range []string{DemoAccounts()[0].Email, DemoAccounts()[2].Email, DemoSewingLead} {
		u, err := account.UserByEmail(ctx, conn, email)
		if err != nil {
			return fmt.Errorf("demo quotes: user %s: %w", email, err)
		}
		users[email] = u
	}
	admin, buyer, lead := users[DemoAccounts()[0].Email], users[DemoAccounts()[2].Email], users[DemoSewingLead]
	if buyer.CompanyID == nil || len(lead.WorkshopIDs) == 0 {
		return fmt.Errorf("demo quotes: the corporate user has no company or the sewing lead no workshop")
	}
	var garments int64
	const selWS = `SELECT id FROM workshops WHERE slug = 'confeccion-villahermosa'`
	if err := sqlx.GetContext(ctx, conn, &garments, selWS); err != nil {
		return fmt.Errorf("demo quotes: garment workshop: %w", err)
	}
	company, sewing := *buyer.CompanyID, lead.WorkshopIDs[0]
	staff := audit.Actor{ID: admin.ID, Email: admin.Email}
	leadActor := audit.Actor{ID: lead.ID, Email: lead.Email}
	svc := quote.New(conn, files, nil)
	svc.Ledger = ledger.New(conn, ledger.Options{})
	today := time.Now().In(ledger.Bogota)
	day := func(days int) string { return today.AddDate(0, 0, days).Format("2006-01-02") }
	logo := quote.Upload{Name: "logo-uniformes-demo.png", Body: demoPNG(color.RGBA{0x1d, 0x4e, 0x89, 255})}
	proof := func() *quote.Upload {
		return &quote.Upload{Name: "prueba-ubicacion-logo.png", Body: demoPNG(color.RGBA{0x2e, 0x7d, 0x32, 255})}
	}
	line := func(garment, colour, custom, position string, sizes [6]int) quote.LineForm {
		s := func(n int) string { return fmt.Sprint(n) }
		return quote.LineForm{Garment: garment, Fabric: "Algodón piqué", Colour: colour, XS: s(sizes[0]), S: s(sizes[1]),
			M: s(sizes[2]), L: s(sizes[3]), XL: s(sizes[4]), XXL: s(sizes[5]), Customisation: custom, Position: position}
	}
	request := func(notes string, deadline int, lines ...quote.LineForm) (quote.Quote, error) {
		return svc.Request(ctx, company, buyer.ID, quote.RequestForm{Deadline: day(deadline), DeliveryCity: "Bogotá",
			Notes: notes, Lines: lines}, []quote.Upload{logo})
	}
	price := func(q quote.Quote, unit int64, shares ...quote.Assignment) error {
		units := map[int]int64{}
		for _, l := range q.Lines {
			units[l.LineNo] = unit
		}
		valid := today.AddDate(0, 0, 20)
		_, err := svc.Quote(ctx, staff, q.ID, quote.Pricing{UnitMinor: units, SetupFee: 150_000_00, LeadTimeDays: 21,
			ValidUntil: time.Date(valid.Year(), valid.Month(), valid.Day(), 0, 0, 0, 0, time.UTC),
			DepositPct: quote.DefaultDepositPct, Workshops: shares, Proof: proof()})
		return err
	}
	all := []quote.Assignment{{WorkshopID: sewing, WorkBps: 10000}}
	accept := func(q quote.Quote) error {
		_, err := svc.Accept(ctx, company, buyer.ID, q.ID, 1, true)
		return err
	}
	deposit := func(q quote.Quote) error {
		d, err := svc.View(ctx, company, q.ID)
		if err != nil {
			return err
		}
		_, err = svc.RecordTransfer(ctx, staff, q.ID, quote.PaymentDeposit, d.Money.DepositDue, "Transferencia Bancolombia 4471")
		return err
	}

	steps := []struct {
		what string
		run  func() error
	}{
		{"requested: aprons waiting for a price", func() error {
			_, err := request("Delantales para el restaurante de la sede norte.", 40,
				line("apron", "Negro", "embroidery", "Pecho, lado izquierdo", [6]int{0, 10, 15, 10, 5, 0}))
			return err
		}},
		{"quoted: 120 polos with a proof to approve", func() error {
			q, err := request("Polos para el equipo comercial, con el logo bordado.", 45,
				line("polo", "Azul marino", "embroidery", "Pecho, lado izquierdo", [6]int{10, 25, 35, 30, 15, 5}))
			if err != nil {
				return err
			}
			return price(q, 38_000_00, all...)
		}},
		{"declined: caps", func() error {
			q, err := request("Gorras para un evento.", 30, line("cap", "Blanco", "print", "Frente", [6]int{0, 0, 50, 0, 0, 0}))
			if err != nil {
				return err
			}
			if err := price(q, 22_000_00, all...); err != nil {
				return err
			}
			_, err = svc.Decline(ctx, company, buyer.ID, q.ID, "El evento se aplazó para el próximo año.")
			return err
		}},
		{"in production: jackets, part sewn", func() error {
			q, err := request("Chaquetas para el personal de bodega.", 35,
				line("jacket", "Gris", "embroidery", "Espalda", [6]int{0, 8, 12, 12, 6, 2}))
			if err != nil {
				return err
			}
			if err := price(q, 95_000_00, quote.Assignment{WorkshopID: sewing, WorkBps: 7000},
				quote.Assignment{WorkshopID: garments, WorkBps: 3000}); err != nil {
				return err
			}
			if err := accept(q); err != nil {
				return err
			}
			if err := deposit(q); err != nil {
				return err
			}
			return svc.RecordProgress(ctx, leadActor, lead.WorkshopIDs, q.ID, []quote.Progress{
				{LineNo: 1, Size: "s", Cut: 8, Sewn: 8, Finished: 6},
				{LineNo: 1, Size: "m", Cut: 12, Sewn: 7, Finished: 3},
				{LineNo: 1, Size: "l", Cut: 6},
			})
		}},
		{"settled: t-shirts delivered and paid", func() error {
			q, err := request("Camisetas para la carrera 5K de la empresa.", 25,
				line("t-shirt", "Blanco", "print", "Pecho, centrado", [6]int{10, 40, 60, 50, 30, 10}))
			if err != nil {
				return err
			}
			if err := price(q, 26_000_00, all...); err != nil {
				return err
			}
			if err := accept(q); err != nil {
				return err
			}
			if err := deposit(q); err != nil {
				return err
			}
			var p []quote.Progress
			for _, l := range q.Lines {
				for _, sz := range []struct {
					s string
					n int
				}{{"xs", l.XS}, {"s", l.S}, {"m", l.M}, {"l", l.L}, {"xl", l.XL}, {"xxl", l.XXL}} {
					if sz.n > 0 {
						p = append(p, quote.Progress{LineNo: l.LineNo, Size: sz.s, Cut: sz.n, Sewn: sz.n, Finished: sz.n})
					}
				}
			}
			if err := svc.RecordProgress(ctx, leadActor, lead.WorkshopIDs, q.ID, p); err != nil {
				return err
			}
			if _, err := svc.MarkReady(ctx, leadActor, lead.WorkshopIDs, q.ID); err != nil {
				return err
			}
			if _, err := svc.Deliver(ctx, staff, q.ID, "Entregadas en la sede principal; recibió Marta Compras."); err != nil {
				return err
			}
			d, err := svc.View(ctx, company, q.ID)
			if err != nil {
				return err
			}
			_, err = svc.RecordTransfer(ctx, staff, q.ID, quote.PaymentBalance, d.Money.BalanceDue, "Transferencia Bancolombia 5120")
			return err
		}},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return fmt.Errorf("demo quote %s: %w", s.what, err)
		}
	}
	log.Info("demo quotes loaded", "quotes", len(steps))
	return nil
}

// demoPNG is a small flat image standing in for a company's logo or a proof.
func demoPNG(c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 64; x++ {
			if (x/8+y/8)%2 == 0 {
				img.Set(x, y, c)
			} else {
				img.Set(x, y, color.White)
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
