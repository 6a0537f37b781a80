package notify

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"

	"github.com/libres/storefront/internal/db"
)

// outboxBatch is how many outbox rows one move turns into jobs.
const outboxBatch = 500

// mover keeps the email outbox (migrations/00013_checkout_writes.sql) moving into River's
// jobs. Enqueue writes one small row in the caller's transaction (a prepared INSERT);
// River's own insert is a statement several times heavier, and the checkout's
// transaction holds the stock it takes until it commits. The mover deletes a batch
// of rows and inserts their jobs in one transaction, so a row becomes exactly one job
// (rolled back together, or moved together); movers of several processes skip the rows
// another is moving.
type mover struct {
	q     *Queue
	every time.Duration

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

var _ Encoder = (*Queue)(nil)

// Encode checks and renders m as Enqueue does and returns its outbox message, when the
// queue uses the outbox (Options.Work). The message keeps ctx's request id.
func (q *Queue) Encode(ctx context.Context, m Message) ([]byte, bool, error) {
	if q.outbox == nil {
		return nil, false, nil
	}
	m.RequestID = cmp.Or(m.RequestID, RequestID(ctx))
	m, err := q.check(m)
	if err != nil {
		return nil, false, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, false, fmt.Errorf("encode email %s: %w", m.Template, err)
	}
	return b, true, nil
}

const insertOutboxSQL = `INSERT INTO email_outbox (message) VALUES ($1)`

// put writes m (checked) to the outbox in tx.
func (mv *mover) put(ctx context.Context, tx *sqlx.Tx, m Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("enqueue email %s: %w", m.Template, err)
	}
	p, err := mv.q.stmts.On(ctx, tx, insertOutboxSQL)
	if err == nil {
		_, err = p.ExecContext(ctx, string(b))
	}
	if err != nil {
		return fmt.Errorf("enqueue email %s: %w", m.Template, db.Translate(err))
	}
	return nil
}

const takeOutboxSQL = `DELETE FROM email_outbox WHERE id IN (
		SELECT id FROM email_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
	RETURNING id, message`

type outboxRow struct {
	ID      int64  `db:"id"`
	Message []byte `db:"message"`
}

// move turns up to outboxBatch outbox rows into jobs, oldest first, and returns how
// many it took.
func (mv *mover) move(ctx context.Context) (int, error) {
	n := 0
	err := db.InTx(ctx, mv.q.db, func(tx *sqlx.Tx) error {
		var rows []outboxRow
		if err := tx.SelectContext(ctx, &rows, takeOutboxSQL, outboxBatch); err != nil {
			return fmt.Errorf("take email outbox: %w", db.Translate(err))
		}
		n = len(rows)
		slices.SortFunc(rows, func(a, b outboxRow) int { return int(a.ID - b.ID) })
		params := make([]river.InsertManyParams, 0, len(rows))
		for _, r := range rows {
			var w emailWire // the row is a Message; its data is passed on as it is
			if err := json.Unmarshal(r.Message, &w); err != nil || !validData(w.Data) {
				// Only put writes rows; one that cannot be read could never be sent,
				// and kept it would stop every email after it.
				mv.q.log.Error("email outbox row unreadable; dropped", "id", r.ID, "err", err)
				continue
			}
			args := emailArgs{Message: Message{To: w.To, Lang: w.Lang, Template: w.Template}, data: w.Data}
			params = append(params, river.InsertManyParams{Args: args, InsertOpts: mv.q.insertOpts(w.RequestID)})
		}
		if len(params) == 0 {
			return nil
		}
		if _, err := mv.q.client.InsertManyFastTx(ctx, tx.Tx, params); err != nil {
			return fmt.Errorf("insert %d email jobs: %w", len(params), err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// validData reports whether an outbox row's data is what a Message's data encodes to:
// a JSON object, or null.
func validData(d json.RawMessage) bool {
	return len(d) > 0 && (d[0] == '{' || string(d) == "null")
}

// start runs the mover until stop: a full batch is followed by the next at once, else
// the outbox is looked at again after every.
func (mv *mover) start() {
	mv.mu.Lock()
	defer mv.mu.Unlock()
	if mv.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	mv.cancel, mv.done = cancel, make(chan struct{})
	go mv.run(ctx, mv.done)
}

func (mv *mover) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := mv.move(ctx)
		if err != nil && ctx.Err() == nil {
			mv.q.log.Warn("email outbox not moved; will retry", "err", err)
		}
		next := mv.every
		if n == outboxBatch {
			next = 0
		}
		t.Reset(next)
	}
}

// stop ends the loop and moves what the last requests wrote, until ctx is done (what
// is left waits for the next process that starts).
func (mv *mover) stop(ctx context.Context) {
	mv.mu.Lock()
	defer mv.mu.Unlock()
	if mv.cancel == nil {
		return
	}
	mv.cancel()
	<-mv.done
	mv.cancel, mv.done = nil, nil
	for {
		n, err := mv.move(ctx)
		if err != nil {
			if ctx.Err() == nil {
				mv.q.log.Warn("email outbox not moved at stop; it waits for the next start", "err", err)
			}
			return
		}
		if n < outboxBatch {
			return
		}
	}
}
