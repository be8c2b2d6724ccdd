namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>A trained model's bytes (ML.NET's zip), kept in the service's schema under its <c>ModelTrained.ModelHash</c>.</summary>
public sealed record StoredModel(string Id, byte[] Zip);
