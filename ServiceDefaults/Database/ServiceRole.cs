namespace CommunityAI.ServiceDefaults.Database;

/// <summary>
/// One service's PostgreSQL role: the only streams of the history it may append to, and the schemas it owns (its read
/// models, checkpoints and tables, writable by it alone).
/// </summary>
/// <param name="Service">The service's name, as the AppHost and Kubernetes name it (<c>quality-scoring</c>).</param>
/// <param name="Role">The PostgreSQL role it logs in as.</param>
/// <param name="StreamPrefix">Every stream it appends to starts with this (<c>scoring/</c>); the database refuses others.</param>
/// <param name="Schemas">The schemas it owns.</param>
public sealed record ServiceRole(string Service, string Role, string StreamPrefix, IReadOnlyList<string> Schemas);
