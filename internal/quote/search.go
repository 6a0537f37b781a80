package quote

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/sheet"
)

// qCols are quoteCols for the alias q.
var qCols = "q." + strings.ReplaceAll(strings.Join(strings.Fields(quoteCols), " "), ", ", ", q.")

// jobSelect reads quotes as jobs: the company's name and NIT, garments ordered and
// finished, and the latest version's total (NULL before a price).
var jobSelect = `SELECT ` + qCols + `, c.name AS company_name, c.nit AS company_nit,
		(SELECT coalesce(sum(l.quantity), 0) FROM quote_lines l WHERE l.quote_id = q.id) AS ordered,
		(SELECT coalesce(sum(p.finished), 0) FROM quote_progress p WHERE p.quote_id = q.id) AS finished,
		(SELECT v.total_minor FROM quote_versions v WHERE v.quote_id = q.id ORDER BY v.version DESC LIMIT 1) AS latest_total
	FROM quotes q JOIN companies c ON c.id = q.company_id`

type jobRow struct {
	Quote
	CompanyName string `db:"company_name"`
	CompanyNIT  string `db:"company_nit"`
	Ordered     int    `db:"ordered"`
	Finished    int    `db:"finished"`
	LatestTotal *int64 `db:"latest_total"`
}

// selectJobs runs jobSelect with a condition and tail (ORDER BY …) and adds each job's
// workshops (of its accepted version, or the latest).
func selectJobs(ctx context.Context, conn db.Querier, cond, tail string, args ...any) ([]jobRow, error) {
	var rows []jobRow
	if err := sqlx.SelectContext(ctx, conn, &rows, jobSelect+` WHERE `+cond+` `+tail, args...); err != nil {
		return nil, fmt.Errorf("select quotes: %w", db.Translate(err))
	}
	return rows, nil
}

// jobs turns rows into Jobs with their workshops.
func jobs(ctx context.Context, conn db.Querier, rows []jobRow) ([]Job, error) {
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	var ws []struct {
		Assignment
		QuoteID int64 `db:"quote_id"`
	}
	const sel = `SELECT qw.quote_id, qw.workshop_id, w.name AS workshop_name, w.slug AS workshop_slug, w.active AS workshop_active, qw.work_bps
		FROM quote_workshops qw JOIN workshops w ON w.id = qw.workshop_id JOIN quotes q ON q.id = qw.quote_id
		WHERE qw.quote_id = ANY($1)
			AND qw.version = coalesce(q.accepted_version, (SELECT max(v.version) FROM quote_versions v WHERE v.quote_id = q.id))
		ORDER BY qw.work_bps DESC, w.name`
	if err := sqlx.SelectContext(ctx, conn, &ws, sel, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("workshops of quotes: %w", db.Translate(err))
	}
	out := make([]Job, 0, len(rows))
	for _, r := range rows {
		j := Job{Quote: r.Quote, CompanyName: r.CompanyName, Ordered: r.Ordered, Finished: r.Finished, Workshops: []Assignment{}}
		for _, w := range ws {
			if w.QuoteID == r.ID {
				j.Workshops = append(j.Workshops, w.Assignment)
			}
		}
		out = append(out, j)
	}
	return out, nil
}

// Jobs lists quotes from deposit_paid to ready assigned to one of workshopIDs (nil: all,
// the staff board), nearest deadline first.
func (s *Service) Jobs(ctx context.Context, workshopIDs []int64) ([]Job, error) {
	rows, err := selectJobs(ctx, s.db, `q.status IN ('`+string(StatusDepositPaid)+`', '`+string(StatusInProduction)+`', '`+string(StatusReady)+`') AND `+assignedCond("$1"),
		`ORDER BY q.deadline, q.id`, pq.Array(workshopIDs))
	if err != nil {
		return nil, err
	}
	return jobs(ctx, s.db, rows)
}

// where builds f's condition; args are numbered from 1.
func (f Filter) where() (string, []any) {
	conds := []string{"true"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		conds = append(conds, "q.status = "+arg(f.Status))
	}
	if f.CompanyID != 0 {
		conds = append(conds, "q.company_id = "+arg(f.CompanyID))
	}
	if q := strings.TrimSpace(strings.ToValidUTF8(f.Query, "")); q != "" {
		if r := []rune(q); len(r) > 100 {
			q = string(r[:100])
		}
		a := arg(db.LikeEscape(q))
		conds = append(conds, "(q.number ILIKE '%' || "+a+" || '%' OR c.name ILIKE '%' || "+a+" || '%')")
	}
	return strings.Join(conds, " AND "), args
}

// Search lists quotes for staff with their company names, newest first, and the total.
func (s *Service) Search(ctx context.Context, f Filter) ([]Job, int, error) {
	if f.PerPage <= 0 || f.PerPage > 500 {
		f.PerPage = 50
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	cond, args := f.where()
	var total int
	if err := sqlx.GetContext(ctx, s.db, &total, `SELECT count(*) FROM quotes q JOIN companies c ON c.id = q.company_id WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("count quotes: %w", db.Translate(err))
	}
	n := len(args)
	rows, err := selectJobs(ctx, s.db, cond, `ORDER BY q.created_at DESC, q.id DESC LIMIT $`+strconv.Itoa(n+1)+
		` OFFSET $`+strconv.Itoa(n+2), append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, err
	}
	js, err := jobs(ctx, s.db, rows)
	return js, total, err
}

// csvHeader names the columns of WriteCSV; the total is the latest version's, in pesos
// with two decimals (empty before a price).
var csvHeader = []string{"number", "company", "nit", "status", "garments", "total", "currency", "deadline", "created_at"}

// WriteCSV writes the quotes of f (all pages) as CSV for a spreadsheet.
func (s *Service) WriteCSV(ctx context.Context, w io.Writer, f Filter) error {
	cond, args := f.where()
	rows, err := selectJobs(ctx, s.db, cond, `ORDER BY q.created_at DESC, q.id DESC`, args...)
	if err != nil {
		return err
	}
	cw, err := sheet.NewWriter(w)
	if err != nil {
		return err
	}
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, r := range rows {
		total := ""
		if r.LatestTotal != nil {
			total = money.Decimal(*r.LatestTotal)
		}
		rec := []string{r.Number, r.CompanyName, r.CompanyNIT, string(r.Status), strconv.Itoa(r.Ordered), total, "COP",
			r.Deadline.Format(time.DateOnly), r.CreatedAt.In(bogota).Format(time.DateTime)}
		for i := range rec {
			rec[i] = sheet.Cell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
