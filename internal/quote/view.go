package quote

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// View returns a company's quote with its thread, payments, money and progress; another
// company's is not found. companyID 0 is staff.
func (s *Service) View(ctx context.Context, companyID, id int64) (Detail, error) {
	q, err := s.load(ctx, s.db, id, companyID, false)
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, s.db, q)
}

// detail completes a loaded quote with everything its page shows.
func (s *Service) detail(ctx context.Context, conn db.Querier, q Quote) (Detail, error) {
	d := Detail{Quote: q, Workshops: []Assignment{}}
	const selCo = `SELECT ` + companyCols + ` FROM companies WHERE id = $1`
	if err := sqlx.GetContext(ctx, conn, &d.Company, selCo, q.CompanyID); err != nil {
		return Detail{}, fmt.Errorf("company of quote %s: %w", q.Number, db.Translate(err))
	}
	var err error
	if d.Messages, err = messages(ctx, conn, q.ID); err != nil {
		return Detail{}, err
	}
	if d.Payments, d.Money, err = s.payments(ctx, conn, q); err != nil {
		return Detail{}, err
	}
	if d.Progress, err = progress(ctx, conn, q); err != nil {
		return Detail{}, err
	}
	if v := q.current(); v != nil {
		d.Workshops = v.Workshops
	}
	return d, nil
}

// progress is a row for every size of every line with garments ordered, zero until
// someone records counts.
func progress(ctx context.Context, conn db.Querier, q Quote) ([]Progress, error) {
	var saved []Progress
	const sel = `SELECT line_no, size, 0 AS ordered, cut, sewn, finished FROM quote_progress WHERE quote_id = $1`
	if err := sqlx.SelectContext(ctx, conn, &saved, sel, q.ID); err != nil {
		return nil, fmt.Errorf("progress of quote %s: %w", q.Number, db.Translate(err))
	}
	type at struct {
		line int
		size string
	}
	bySize := map[at]Progress{}
	for _, p := range saved {
		bySize[at{p.LineNo, p.Size}] = p
	}
	ps := []Progress{}
	for _, l := range q.Lines {
		for _, size := range Sizes {
			n := l.ordered(size)
			if n == 0 {
				continue
			}
			p := bySize[at{l.LineNo, size}]
			p.LineNo, p.Size, p.Ordered = l.LineNo, size, n
			ps = append(ps, p)
		}
	}
	return ps, nil
}

// ordered is how many garments of size the line asks for.
func (l Line) ordered(size string) int {
	switch size {
	case "xs":
		return l.XS
	case "s":
		return l.S
	case "m":
		return l.M
	case "l":
		return l.L
	case "xl":
		return l.XL
	case "xxl":
		return l.XXL
	}
	return 0
}
