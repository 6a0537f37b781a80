-- +goose Up
-- Checkouts placed together (order.Service's placer: the checkouts that arrive while a
-- statement is writing are written by the next one, in one statement and one commit).
-- Expand only (docs/migrations.md): a new function; take_stock and checkout_sold_out
-- stay for the previous release.
--
-- take_stock_orders takes the stock of several orders at once. Line i belongs to order
-- korder[i] (1..n, the lines of an order together, orders in ascending order) and asks
-- qty[i] units of variant ids[i]; eligible[k] says whether order k may be taken (its
-- cart was still the one read). It first locks every variant of the eligible orders,
-- in variant-id order (as take_stock: concurrent statements cannot wait for each other
-- in a circle), FOR NO KEY UPDATE: the lock an UPDATE of the stock takes, which lets
-- other transactions insert rows that refer to the variant (an add to cart's line)
-- while the batch runs, then walks the orders in ascending k: an order whose every line has
-- its quantity in what the stock still holds (after the orders before it) is taken
-- whole, an order short of any line takes nothing, and the ones after it go on. Each
-- variant is then updated once, by its primary key, with the sum taken from it. It
-- returns the ks of the orders taken.
-- +goose StatementBegin
CREATE FUNCTION take_stock_orders(korder int[], ids bigint[], qty int[], eligible boolean[])
RETURNS int[] LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    want bigint[];
    vid bigint[] := '{}';
    vstock int[] := '{}';
    vtake int[] := '{}';
    took int[] := '{}';
    r record;
    n int := coalesce(cardinality(ids), 0);
    i int := 1;
    j int;
    m int;
    k int;
    p int;
    ok boolean;
BEGIN
    want := ARRAY(SELECT DISTINCT ids[x.n] FROM generate_subscripts(ids, 1) AS x(n)
        WHERE eligible[korder[x.n]]);
    FOR r IN SELECT v.id, v.stock_on_hand FROM variants v WHERE v.id = ANY (want) ORDER BY v.id FOR NO KEY UPDATE LOOP
        vid := vid || r.id;
        vstock := vstock || r.stock_on_hand;
        vtake := vtake || 0;
    END LOOP;
    WHILE i <= n LOOP
        k := korder[i];
        j := i;
        WHILE j <= n AND korder[j] = k LOOP
            j := j + 1;
        END LOOP;
        IF eligible[k] THEN
            ok := true;
            m := i;
            WHILE m < j LOOP
                p := array_position(vid, ids[m]);
                IF p IS NULL OR qty[m] < 1 OR vstock[p] - vtake[p] < qty[m] THEN
                    ok := false;
                    EXIT;
                END IF;
                vtake[p] := vtake[p] + qty[m];
                m := m + 1;
            END LOOP;
            IF ok THEN
                took := took || k;
            ELSE
                WHILE m > i LOOP -- give back the lines counted before the short one
                    m := m - 1;
                    p := array_position(vid, ids[m]);
                    vtake[p] := vtake[p] - qty[m];
                END LOOP;
            END IF;
        END IF;
        i := j;
    END LOOP;
    FOR p IN 1 .. cardinality(vid) LOOP
        IF vtake[p] > 0 THEN
            UPDATE variants SET stock_on_hand = stock_on_hand - vtake[p] WHERE id = vid[p];
        END IF;
    END LOOP;
    RETURN took;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION take_stock_orders(int[], bigint[], int[], boolean[]);
