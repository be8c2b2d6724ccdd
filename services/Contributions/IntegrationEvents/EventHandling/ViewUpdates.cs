using CommunityAI.Contributions.Domain;
using Marten;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// Field-wise updates of <see cref="ContributionView"/> in one SQL statement each. PostgreSQL serialises updates of a
/// row and re-reads it for the second, so concurrent consumers never lose each other's fields, and the status only
/// moves forward (submitted → scored → rewarded → anchored).
/// </summary>
internal static class ViewUpdates
{
    /// <summary>
    /// SQL merging <paramref name="fields"/> (a jsonb expression with its own parameters) into the view and moving the
    /// status to <paramref name="status"/> if that is later. Parameters after the fields': the status, then the id.
    /// </summary>
    public static string Sql(IDocumentSession session, string fields, string status)
    {
        var table = session.DocumentStore.Options.Schema.For<ContributionView>();
        var earlier = string.Join(", ", StatusOrder.Before(status).Select(s => $"'{s}'"));
        return $"update {table} set data = data || {fields} || jsonb_build_object('status', " +
            $"case when data->>'status' in ({earlier}) then ?::text else data->>'status' end) where id = ?";
    }
}
