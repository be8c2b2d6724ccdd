using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CommunityAI.QualityScoring.Domain;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// How a <see cref="ScoringCase"/> is stored: what it is built from (the record's own members) and
/// <see cref="ScoringCase.OpenUntil"/>, which the window closer finds due cases by (an index on it). Its other
/// properties are computed from those members and repeat its lists (<see cref="ScoringCase.Committed"/> and
/// <see cref="ScoringCase.Awaited"/> the commitments, <see cref="ScoringCase.FirstRoundReviews"/> the reviews, and so
/// on): stored, they were 44% of every case written, and a case is written again at each commitment, reveal and close.
/// </summary>
/// <remarks>
/// Only the store's JSON is changed: the case API serialises the case with ASP.NET's own options and still answers the
/// computed properties. Cases stored with them read as before, since reading goes through the record's constructor.
/// </remarks>
public static class StoredCaseJson
{
    public static void Configure(JsonSerializerOptions options) =>
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(LeaveComputedOut);

    private static void LeaveComputedOut(JsonTypeInfo info)
    {
        // The appealed first round it carries likewise (its Reviewers follow from its assignment and replacements).
        if (info.Type != typeof(ScoringCase) && info.Type != typeof(FirstRound))
            return;
        foreach (var property in info.Properties)
            if (property.Set is null && property.AttributeProvider is PropertyInfo { Name: not nameof(ScoringCase.OpenUntil) })
                property.ShouldSerialize = static (_, _) => false;
    }
}
