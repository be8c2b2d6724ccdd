namespace CommunityAI.ServiceDefaults.Database;

/// <summary>
/// The database's own check that each service appends only to its own streams: a table of role → stream prefix and
/// triggers on the history's event and stream tables that refuse any row outside the writing role's prefix.
/// </summary>
/// <remarks>
/// The triggers belong to the history's owner, so a service role cannot drop or disable them (that needs ownership),
/// cannot edit the table of prefixes (it may only read it), cannot turn triggers off for its session
/// (<c>session_replication_role</c> is a superuser setting) and cannot change who it is (it is a member of no other
/// role). The check runs as the writing role (<c>current_user</c>), with a fixed search path so a session cannot shadow
/// the table it reads. A role with no prefix is refused unless it owns the history (the owner can drop the triggers
/// anyway: it is the migration role, never a service's login), so a new or forgotten role writes nothing.
/// </remarks>
public static class HistoryGuard
{
    public const string WritersTable = "history.stream_writers";

    public static string InstallSql => """
        CREATE TABLE IF NOT EXISTS history.stream_writers (
            role_name name PRIMARY KEY,
            stream_prefix text NOT NULL CHECK (length(stream_prefix) > 1 AND right(stream_prefix, 1) = '/'));

        CREATE OR REPLACE FUNCTION history.check_stream_writer(stream text) RETURNS void
        LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            prefix text;
        BEGIN
            SELECT w.stream_prefix INTO prefix FROM history.stream_writers w WHERE w.role_name = current_user;
            IF FOUND THEN
                IF starts_with(stream, prefix) THEN
                    RETURN;
                END IF;
                RAISE EXCEPTION 'role % may write only streams under %, not %', current_user, prefix, stream
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = 'history.mt_events'::regclass), 'USAGE') THEN
                RETURN;
            END IF;
            RAISE EXCEPTION 'role % has no stream prefix in history.stream_writers and may not write the history', current_user
                USING ERRCODE = 'insufficient_privilege';
        END $$;

        CREATE OR REPLACE FUNCTION history.guard_event_stream() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                PERFORM history.check_stream_writer(OLD.stream_id);
            END IF;
            IF TG_OP <> 'DELETE' THEN
                PERFORM history.check_stream_writer(NEW.stream_id);
                RETURN NEW;
            END IF;
            RETURN OLD;
        END $$;

        CREATE OR REPLACE FUNCTION history.guard_stream_row() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                PERFORM history.check_stream_writer(OLD.id);
            END IF;
            IF TG_OP <> 'DELETE' THEN
                PERFORM history.check_stream_writer(NEW.id);
                RETURN NEW;
            END IF;
            RETURN OLD;
        END $$;

        CREATE OR REPLACE TRIGGER stream_writer_guard BEFORE INSERT OR UPDATE OR DELETE ON history.mt_events
            FOR EACH ROW EXECUTE FUNCTION history.guard_event_stream();
        CREATE OR REPLACE TRIGGER stream_writer_guard BEFORE INSERT OR UPDATE OR DELETE ON history.mt_streams
            FOR EACH ROW EXECUTE FUNCTION history.guard_stream_row();
        """;
}
