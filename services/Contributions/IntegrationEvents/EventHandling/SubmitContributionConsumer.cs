using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Formats.Signing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// Partner intake: the same checks as HTTP. A refused command becomes a <see cref="ContributionRejected"/> in the
/// history (published by the outbox); only a message that cannot be read at all lands in the error queue.
/// </summary>
public sealed class SubmitContributionConsumer(ContributionAppender appender, IOptions<IntakeOptions> options, SignedRequestCheck check)
    : IConsumer<SubmitContribution>
{
    public async Task Consume(ConsumeContext<SubmitContribution> context)
    {
        var command = context.Message;
        var now = check.Now;
        var request = PartnerSubmission.ToRequest(command, out var mappingError);
        var decision = mappingError is { } e
            ? new IntakeDecision.Invalid(new Dictionary<string, string[]> { [e.Field] = [e.Rule] })
            : ContributionIntake.Decide(request, options.Value, check);

        (string Field, string Reason, int Status)? refusal = decision switch
        {
            IntakeDecision.Invalid invalid => invalid.Errors.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => (kv.Key, string.Join("; ", kv.Value), 400)).First(),
            IntakeDecision.Unsigned unsigned => (unsigned.Error.Field, unsigned.Error.Detail, 401),
            IntakeDecision.Accept(var submitted, var content) => await AppendAsync(submitted, content, context.CancellationToken),
            _ => throw new InvalidOperationException("unknown intake decision"),
        };
        if (refusal is not { } r)
            return;

        // One rejection per message: a redelivery hits the same stream key and records nothing new.
        var key = context.MessageId?.ToString("N") ?? command.CorrelationId ?? Guid.NewGuid().ToString("N");
        await appender.RejectAsync(key, new ContributionRejected(
            command.CorrelationId, command.PartnerId, command.Contributor, r.Field, r.Reason, r.Status, now), context.CancellationToken);
    }

    private async Task<(string, string, int)?> AppendAsync(ContributionSubmitted submitted, byte[]? content, CancellationToken ct) =>
        await appender.AppendAsync(submitted, content, ct) switch
        {
            AppendOutcome.NonceTaken taken => ("nonce", taken.Reason, 409),
            _ => null,
        };
}
