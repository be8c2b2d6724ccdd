namespace CommunityAI.Contributions.Datasets;

/// <summary>A snapshot's criteria, checked before anything is read: bounded lengths, a bounded list of licences.</summary>
public static class DatasetCriteria
{
    /// <summary>Adds one message per field that breaks a bound; returns the licences the string names.</summary>
    public static IReadOnlyList<string> Check(string? kind, string? licences, DatasetOptions options, IDictionary<string, string[]> fields)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fields);
        if (string.IsNullOrEmpty(kind))
            fields["kind"] = ["is required"];
        else if (kind.Length > options.MaxKindLength)
            fields["kind"] = [$"must be at most {options.MaxKindLength} characters"];
        if (string.IsNullOrEmpty(licences))
        {
            fields["licences"] = ["is required: comma-separated SPDX licence identifiers"];
            return [];
        }
        // The length is checked before the string is split, so a huge string costs nothing.
        if (licences.Length > options.MaxLicencesLength)
        {
            fields["licences"] = [$"must be at most {options.MaxLicencesLength} characters"];
            return [];
        }
        var names = licences.Split(',');
        if (names.Length > options.MaxLicences)
            fields["licences"] = [$"may name at most {options.MaxLicences} licences"];
        else if (names.Any(n => n.Length == 0 || n.Any(char.IsWhiteSpace)))
            fields["licences"] = ["must be SPDX identifiers separated by single commas, without spaces"];
        return names;
    }
}
