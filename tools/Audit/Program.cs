using CommunityAI.Audit.Commands;

// communityai-audit: export, verify, replay, prove. Exit 0 = all good, 1 = a check failed, 2 = usage error.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await AuditApp.RunAsync(args, Console.Out, Console.Error, cancel.Token);
