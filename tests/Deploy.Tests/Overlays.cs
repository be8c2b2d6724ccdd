namespace CommunityAI.Deploy.Tests;

/// <summary>Theory data: every overlay under deploy/overlays.</summary>
public static class Overlays
{
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in RenderedOverlay.Names)
                data.Add(name);
            return data;
        }
    }
}
