using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.ConcurrencyVerify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// An async call whose task is dropped once per item (BND1001) or continued and collected (BND1002) is fan-out the same
/// as Task.Run per item: every item's operation runs at once, and a dropped one is observed by nobody.
/// </summary>
public class BND1001DroppedCallTests
{
    private const string Dropped = "its task is dropped, so nothing observes it either; throttle it";

    private const string Endpoints = """

            public interface IEndpoint { Task SendAsync(Message message, CancellationToken cancellationToken = default); }
            public interface IPriceCache { ValueTask RefreshAsync(string sku); }
        """;

    private static DiagnosticResult DroppedCall(int marker, string call, string where = Loop) => BND1001(marker, call, where, Dropped);

    [Fact]
    public Task DiscardedSendPerEndpointOfAParameter() => Reports("""
            public void Broadcast(IEnumerable<IEndpoint> endpoints, Message message, CancellationToken cancellationToken)
            {
                foreach (var endpoint in endpoints)
                {
                    _ = endpoint.{|#0:SendAsync|}(message, cancellationToken);
                }
            }
        """ + Endpoints, DroppedCall(0, "SendAsync"));

    [Fact]
    public Task CallStatementPerOrderInASynchronousMethod() => Reports("""
            public void Confirm(IReadOnlyList<Order> orders)
            {
                foreach (var order in orders)
                {
                    {|#0:SaveAsync|}(order);
                }
            }
        """, DroppedCall(0, "SaveAsync"));

    [Fact]
    public Task DiscardedFindPerIndexOfAForLoop() => Reports("""
            public void Prefetch(List<int> ids, CancellationToken cancellationToken)
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    _ = _store.{|#0:FindAsync|}(ids[i], cancellationToken);
                }
            }
        """, DroppedCall(0, "FindAsync"));

    [Fact]
    public Task DiscardedSavePerElementOfListForEach() => Reports("""
            public void Persist(List<Order> orders)
            {
                orders.ForEach(order => _ = {|#0:SaveAsync|}(order));
            }
        """, DroppedCall(0, "SaveAsync", "element passed to 'ForEach'"));

    [Fact]
    public Task DiscardedValueTaskPerSkuOfAnAsyncStream() => Reports("""
            private readonly IPriceCache _prices = null!;

            public async Task WarmAsync(IAsyncEnumerable<string> skus)
            {
                await foreach (var sku in skus)
                {
                    _ = _prices.{|#0:RefreshAsync|}(sku);
                }
            }
        """ + Endpoints, DroppedCall(0, "RefreshAsync"));

    [Fact]
    public Task ContinuedCallsCollectedAndAwaitedTogether() => Reports("""
            public async Task<int> LoadAllAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
            {
                var loads = new List<Task<int>>();
                foreach (var id in ids)
                {
                    loads.Add(_store.{|#0:FindAsync(id, cancellationToken).ContinueWith(t => t.Result?.Id ?? 0)|});
                }

                var found = await Task.WhenAll(loads);
                return found.Sum();
            }
        """, BND1002(0, "FindAsync", Loop));

    [Fact]
    public Task ContinuedCallsInASelectNameTheStartedCall() => Reports("""
            public Task<int[]> LoadAllAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
            {
                return Task.WhenAll(ids.{|#0:Select|}(id => _store.FindAsync(id, cancellationToken).ContinueWith(t => t.Result?.Id ?? 0)));
            }
        """, BND1002(0, "FindAsync"));

    /// <summary>Rows a query returns are input the code does not control.</summary>
    [Fact]
    public Task DiscardedSavePerRowOfAQuery() => Reports("""
            public async Task ReprocessAsync(CancellationToken cancellationToken)
            {
                var pending = await LoadPendingAsync(cancellationToken);
                foreach (var order in pending)
                {
                    _ = {|#0:SaveAsync|}(order, cancellationToken);
                }
            }

            private Task<List<Order>> LoadPendingAsync(CancellationToken cancellationToken) => Task.FromResult(new List<Order>());
        """, DroppedCall(0, "SaveAsync"));

    /// <summary>The program's own event loops (a concrete type in a field) are bounded by its configuration, not by input.</summary>
    [Fact]
    public Task ASequenceTheProgramHoldsIsNotInput() => Clean("""
            private readonly EventLoop[] _loops = { new EventLoop(), new EventLoop() };

            public Task ShutdownAsync()
            {
                foreach (var loop in _loops)
                {
                    loop.ShutdownAsync();
                }

                return Task.CompletedTask;
            }

            public sealed class EventLoop { public Task ShutdownAsync() => Task.CompletedTask; }
        """);

    /// <summary>A list the method builds itself from its own state is not the caller's input.</summary>
    [Fact]
    public Task AListTheMethodBuildsIsNotInput() => Clean("""
            private readonly Dictionary<int, Order> _due = new();

            public void RunDue()
            {
                var due = new List<Order>();
                foreach (var entry in _due)
                {
                    due.Add(entry.Value);
                }

                foreach (var order in due)
                {
                    _ = SaveAsync(order);
                }
            }
        """);

    [Fact]
    public Task AwaitedPerItemIsSequential() => Clean("""
            public async Task BroadcastAsync(IEnumerable<IEndpoint> endpoints, Message message, CancellationToken cancellationToken)
            {
                foreach (var endpoint in endpoints)
                {
                    await endpoint.SendAsync(message, cancellationToken);
                }
            }
        """ + Endpoints);

    /// <summary>The program's own endpoints (an interface held in a field) are components, bounded by configuration.</summary>
    [Fact]
    public Task OwnedComponentsAreNotInput() => Clean("""
            private readonly List<IEndpoint> _endpoints = new();

            public void Broadcast(Message message)
            {
                foreach (var endpoint in _endpoints)
                {
                    _ = endpoint.SendAsync(message);
                }
            }
        """ + Endpoints);

    [Fact]
    public Task ShortLiteralSourceIsBounded() => Clean("""
            public void SaveDefaults()
            {
                foreach (var order in new[] { new Order(1, "a", 1m), new Order(2, "b", 2m) })
                {
                    _ = SaveAsync(order);
                }
            }
        """);

    /// <summary>A receive loop paces itself on its own awaits; a dropped handler per received message is not this rule's shape.</summary>
    [Fact]
    public Task WhileReceiveLoopIsLeftOut() => Clean("""
            public async Task PumpAsync(ChannelReader<Message> reader, CancellationToken cancellationToken)
            {
                while (await reader.WaitToReadAsync(cancellationToken))
                {
                    var message = await reader.ReadAsync(cancellationToken);
                    _ = _handler.HandleAsync(message, cancellationToken);
                }
            }
        """);

    /// <summary>The called method takes the type's own semaphore: the type is the limiter.</summary>
    [Fact]
    public Task CalleeThatWaitsOnAGateIsGated() => Clean("""
            public void Publish(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    _ = PublishOneAsync(order);
                }
            }

            private async Task PublishOneAsync(Order order)
            {
                await _gate.WaitAsync();
                try
                {
                    await SaveAsync(order);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task ContinuationOfAnExistingTaskStartsNothing() => Clean("""
            public void Observe(IEnumerable<Task> pending)
            {
                foreach (var task in pending)
                {
                    _ = task.ContinueWith(t => _results.Add(t.Status.ToString()), TaskScheduler.Default);
                }
            }
        """);

    [Fact]
    public Task LoopThatStopsAfterTheCallIsNotRepeated() => Clean("""
            public void SaveFirst(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    _ = SaveAsync(order);
                    break;
                }
            }
        """);

    /// <summary>The worker pool is the only rewrite here, so it is the rule's default action (FixAll, dotnet format).</summary>
    [Fact]
    public Task FixTurnsDroppedCallsIntoABoundedChannelWorkerPool() => Verify.FixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        public interface IEndpoint { Task SendAsync(string message, CancellationToken cancellationToken = default); }

        class Broadcaster
        {
            public async Task BroadcastAsync(IEnumerable<IEndpoint> endpoints, string message, CancellationToken cancellationToken)
            {
                foreach (var endpoint in endpoints)
                {
                    _ = endpoint.{|BND1001:SendAsync|}(message, cancellationToken);
                }
            }
        }
        """, Usings.Replace("using System.Threading;\n", "using System.Threading;\nusing System.Threading.Channels;\n") + """
        public interface IEndpoint { Task SendAsync(string message, CancellationToken cancellationToken = default); }

        class Broadcaster
        {
            public async Task BroadcastAsync(IEnumerable<IEndpoint> endpoints, string message, CancellationToken cancellationToken)
            {
                var maxConcurrency = 16;
                var queue = Channel.CreateBounded<IEndpoint>(new BoundedChannelOptions(maxConcurrency) { FullMode = BoundedChannelFullMode.Wait });
                var workers = new Task[maxConcurrency];
                for (var i = 0; i < maxConcurrency; i++)
                {
                    workers[i] = Task.Run(async () =>
                    {
                        try
                        {
                            await foreach (var endpoint in queue.Reader.ReadAllAsync())
                            {
                                await endpoint.SendAsync(message, cancellationToken);
                            }
                        }
                        catch (Exception exception)
                        {
                            queue.Writer.TryComplete(exception);
                            throw;
                        }
                    });
                }

                try
                {
                    foreach (var endpoint in endpoints)
                    {
                        await queue.Writer.WriteAsync(endpoint, cancellationToken);
                    }
                }
                finally
                {
                    queue.Writer.TryComplete();
                    await Task.WhenAll(workers);
                }
            }
        }
        """, UnboundedTaskSpawnCodeFixProvider.SemaphoreKey);

    /// <summary>A synchronous method cannot await the worker pool: no rewrite.</summary>
    [Fact]
    public Task NoFixInASynchronousMethod() => Verify.NoFixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        public interface IEndpoint { Task SendAsync(string message, CancellationToken cancellationToken = default); }

        class Broadcaster
        {
            public void Broadcast(IEnumerable<IEndpoint> endpoints, string message)
            {
                foreach (var endpoint in endpoints)
                {
                    _ = endpoint.{|BND1001:SendAsync|}(message);
                }
            }
        }
        """);
}
