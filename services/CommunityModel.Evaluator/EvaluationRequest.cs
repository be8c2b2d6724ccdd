namespace CommunityAI.ModelEvaluator;

/// <summary>
/// What the service asks the evaluator (a JSON file whose path is the only argument): the model file, its size limit,
/// the address-space limit the evaluator confines itself to (<see cref="Confinement"/>), the number of labels the output
/// must score, and the texts to classify. The true labels never enter the sandbox: the service scores the answers itself.
/// </summary>
public sealed record EvaluationRequest(string Model, long MaxModelBytes, long MemoryBytes, int LabelCount, IReadOnlyList<string> Texts);

/// <summary>
/// The evaluator's answer on standard output: the chosen label index per text, or why the model was refused. Times are
/// for the benchmark and the log, never for the history.
/// </summary>
public sealed record EvaluationAnswer(IReadOnlyList<int>? Predictions, string? Refusal, double LoadMilliseconds, double RunMilliseconds);
