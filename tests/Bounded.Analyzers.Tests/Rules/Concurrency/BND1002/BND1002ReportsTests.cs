using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.ConcurrencyVerify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>BND1002: async fan-out over a collection is reported. Every case runs all three BND1001–BND1003 analyzers.</summary>
public class BND1002ReportsTests
{
    [Fact]
    public Task WhenAllOverSelectOfHttpCalls() => Reports("""
            public Task<string[]> FetchAllAsync(IEnumerable<string> urls) =>
                Task.WhenAll(urls.{|#0:Select|}(url => _http.GetStringAsync(url)));
        """, BND1002(0, "GetStringAsync"));

    [Fact]
    public Task AsyncLambdaSelectMaterialisedWithToList() => Reports("""
            public async Task SaveAllAsync(IEnumerable<Order> orders, CancellationToken cancellationToken)
            {
                var saves = orders.{|#0:Select|}(async order =>
                {
                    await SaveAsync(order, cancellationToken);
                    _results.Add(order.Customer);
                }).ToList();
                await Task.WhenAll(saves);
            }
        """, BND1002(0, "the async lambda"));

    [Fact]
    public Task BlockBodiedLambdaThatIsNotAsyncIsNamedAsALambda() => Reports("""
            public async Task SaveAllAsync(IEnumerable<Order> orders, CancellationToken cancellationToken)
            {
                await Task.WhenAll(orders.{|#0:Select|}(order =>
                {
                    _results.Add(order.Customer);
                    return SaveAsync(order, cancellationToken);
                }));
            }
        """, BND1002(0, "the lambda"));

    [Fact]
    public Task MethodGroupSelectIntoWhenAll() => Reports("""
            public async Task<int> TotalAsync(IReadOnlyList<Order> orders)
            {
                var ids = await Task.WhenAll(orders.{|#0:Select|}(ProcessAsync));
                return ids.Sum();
            }
        """, BND1002(0, "ProcessAsync"));

    [Fact]
    public Task SelectHeldInLocalThenAwaited() => Reports("""
            public async Task<Order?[]> LoadAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
            {
                var lookups = ids.{|#0:Select|}(id => _store.FindAsync(id, cancellationToken));
                return await Task.WhenAll(lookups);
            }
        """, BND1002(0, "FindAsync"));

    [Fact]
    public Task TasksAddedInLoopThenWhenAll() => Reports("""
            public async Task SaveAllAsync(IEnumerable<Order> orders, CancellationToken cancellationToken)
            {
                var saves = new List<Task>();
                foreach (var order in orders)
                {
                    saves.Add({|#0:SaveAsync|}(order, cancellationToken));
                }

                await Task.WhenAll(saves);
            }
        """, BND1002(0, "SaveAsync", Loop));

    // NATS.Client's SubscriptionManager: every subscription disposed at once; AsTask only wraps the ValueTask.
    [Fact]
    public Task ValueTasksAsTaskInALoopNameTheStartedCall() => Reports("""
            public async Task DisposeAllAsync(IReadOnlyList<IAsyncDisposable> subscriptions)
            {
                var tasks = new Task[subscriptions.Count];
                for (var i = 0; i < subscriptions.Count; i++)
                {
                    tasks[i] = subscriptions[i].{|#0:DisposeAsync().AsTask()|};
                }

                await Task.WhenAll(tasks);
            }
        """, BND1002(0, "DisposeAsync", Loop));

    // Quartz.NET's scheduler notifies listeners per trigger key.
    [Fact]
    public Task SelectOfAsTaskNamesTheStartedCall() => Reports("""
            private ValueTask NotifyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

            public async Task NotifyAllAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
            {
                await Task.WhenAll(keys.{|#0:Select|}(key => NotifyAsync(key, cancellationToken).AsTask())).ConfigureAwait(false);
            }
        """, BND1002(0, "NotifyAsync"));

    [Fact]
    public Task WaitAllOverSelectToArray() => Reports("""
            public void HandleAll(IEnumerable<Message> messages)
            {
                Task.WaitAll(messages.{|#0:Select|}(m => _handler.HandleAsync(m, CancellationToken.None)).ToArray());
            }
        """, BND1002(0, "HandleAsync"));
}
