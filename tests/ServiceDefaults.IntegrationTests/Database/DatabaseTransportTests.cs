using CommunityAI.ServiceDefaults.Database;

namespace ServiceDefaults.IntegrationTests.Database;

/// <summary>Which history connections a service accepts outside development: only those that verify the server.</summary>
public sealed class DatabaseTransportTests
{
    [Theory]
    [InlineData("Host=pg.internal;Database=c;Username=u;Password=p;SSL Mode=Require")]
    [InlineData("Host=pg.internal;Database=c;Username=u;Password=p")]
    [InlineData("Host=10.0.0.5;Database=c;SSL Mode=Prefer")]
    [InlineData("Host=127.0.0.1,pg.internal;Database=c;SSL Mode=Require")]
    public void A_remote_server_whose_certificate_is_not_verified_is_refused_in_production(string connection)
    {
        var problem = DatabaseTransport.Problem(connection, "Production", allowed: false);
        Assert.NotNull(problem);
        Assert.Contains("VerifyFull", problem, StringComparison.Ordinal);
        Assert.Contains(DatabaseTransport.AllowSetting, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=pg.internal;Database=c;SSL Mode=VerifyFull;Root Certificate=/etc/ca.pem", "Production", false)]
    [InlineData("Host=pg.internal;Database=c;SSL Mode=VerifyCA", "Production", false)]
    [InlineData("Host=127.0.0.1;Port=5432;Database=c", "Production", false)]
    [InlineData("Host=localhost;Database=c", "Production", false)]
    [InlineData("Host=::1;Database=c", "Production", false)]
    [InlineData("Host=/var/run/postgresql;Database=c", "Production", false)]
    [InlineData("Host=pg.internal;Database=c;SSL Mode=Require", "Development", false)]
    [InlineData("Host=pg.internal;Database=c;SSL Mode=Require", "Testing", false)]
    [InlineData("Host=postgresql;Database=c", "Production", true)]
    public void Verified_local_development_or_knowingly_allowed_connections_are_accepted(string connection, string environment, bool allowed) =>
        Assert.Null(DatabaseTransport.Problem(connection, environment, allowed));
}
