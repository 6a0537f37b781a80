-- +goose Up
-- Two changes for checkouts that run at the same time on the same products (a campaign).
--
-- Every add to cart and every checkout updates its cart's row (updated_at marks the
-- change, and the row's version guards the checkout). With updated_at indexed, each
-- such update wrote a new entry in all four of the table's indexes; without an indexed
-- column changing, PostgreSQL updates the row in place on its page (a HOT update) and
-- touches no index. The index served only the removal of anonymous carts idle for 30
-- days (order.Service.DeleteStaleCarts, every six hours), which now reads the table.
DROP INDEX carts_updated_idx;

-- take_stock takes qty[i] units from the stock of variant ids[i], the variants in id
-- order (the same order in every checkout, so two never wait for each other in a
-- circle), and returns how many lines it took; it stops at the first line short of
-- stock (the checkout's statement then raises LB409 and undoes everything). Each line is
-- one UPDATE by primary key. The checkout's statement used to join the lines with the
-- variants, and on a catalog of a few hundred variants PostgreSQL plans that join as a
-- scan of the whole table: every checkout then read every page of the table whose rows
-- the other checkouts were updating, and waited on those pages' locks.
-- +goose StatementBegin
CREATE FUNCTION take_stock(ids bigint[], qty int[]) RETURNS int LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    i int;
    taken int := 0;
BEGIN
    FOR i IN SELECT x.n FROM unnest(ids) WITH ORDINALITY AS x(id, n) ORDER BY x.id LOOP
        UPDATE variants SET stock_on_hand = stock_on_hand - qty[i]
            WHERE id = ids[i] AND stock_on_hand >= qty[i];
        IF NOT FOUND THEN
            RETURN taken;
        END IF;
        taken := taken + 1;
    END LOOP;
    RETURN taken;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION take_stock(bigint[], int[]);
CREATE INDEX carts_updated_idx ON carts (updated_at);
