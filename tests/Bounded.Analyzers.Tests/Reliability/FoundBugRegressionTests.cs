using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Tests.Rules.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>Bugs the corpus, the mutation run and the fix sweep found, each pinned by a test.</summary>
public class FoundBugRegressionTests
{
    private static Task Clean(string members) => Verify.AnalyzerAsync<UnboundedTaskSpawnAnalyzer>(ConcurrencySources.Wrap(members));

    private static Task Reports(string members) => Verify.AnalyzerAsync<UnboundedTaskSpawnAnalyzer>(
        ConcurrencySources.Wrap(members),
        new DiagnosticResult(RuleIds.UnboundedTaskSpawn, DiagnosticSeverity.Info).WithLocation(0).WithArguments("Task.Run", "iteration of this loop", "throttle it"));

    // Corpus (Caching/ProductCache.cs): a constant bound combined with the list's count is still a constant bound.
    [Fact]
    public Task BND1001ConstantBoundInAConjunctionIsBounded() => Clean("""
            public async Task WarmUpTopAsync(IReadOnlyList<string> ranked, CancellationToken cancellationToken)
            {
                var loads = new List<Task>();
                for (var i = 0; i < 16 && i < ranked.Count; i++)
                {
                    var url = ranked[i];
                    loads.Add(Task.Run(() => _http.GetStringAsync(url, cancellationToken), cancellationToken));
                }

                await Task.WhenAll(loads);
            }
        """);

    [Fact]
    public Task BND1001ConjunctionWithoutASmallBoundIsReported() => Reports("""
            public async Task WarmUpAsync(IReadOnlyList<string> ranked, int top, CancellationToken cancellationToken)
            {
                var loads = new List<Task>();
                for (var i = 0; i < top && i < ranked.Count; i++)
                {
                    var url = ranked[i];
                    loads.Add({|#0:Task.Run|}(() => _http.GetStringAsync(url, cancellationToken), cancellationToken));
                }

                await Task.WhenAll(loads);
            }
        """);

    // Corpus (Messaging/MessageConsumer.cs): workers.Length of an array sized by the processor count is a worker pool.
    [Fact]
    public Task BND1001LoopOverAnArraySizedByProcessorCountIsAWorkerPool() => Clean("""
            public async Task ConsumeAsync(Channel<Message> messages, CancellationToken cancellationToken)
            {
                var workers = new Task[Environment.ProcessorCount];
                for (var i = 0; i < workers.Length; i++)
                {
                    workers[i] = Task.Run(async () =>
                    {
                        await foreach (var message in messages.Reader.ReadAllAsync(cancellationToken))
                        {
                            await _handler.HandleAsync(message, cancellationToken);
                        }
                    }, cancellationToken);
                }

                await Task.WhenAll(workers);
            }
        """);

    [Fact]
    public Task BND1001LoopOverAnArraySizedByInputIsReported() => Reports("""
            public async Task ProcessAsync(List<Order> orders, CancellationToken cancellationToken)
            {
                var saves = new Task[orders.Count];
                for (var i = 0; i < saves.Length; i++)
                {
                    var order = orders[i];
                    saves[i] = {|#0:Task.Run|}(() => SaveAsync(order, cancellationToken), cancellationToken);
                }

                await Task.WhenAll(saves);
            }
        """);
}
