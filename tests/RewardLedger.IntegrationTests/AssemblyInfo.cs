// The invariant test drives two replicas hard; sharing a 2-core machine with the other classes would only make
// every class slower, so classes here run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
