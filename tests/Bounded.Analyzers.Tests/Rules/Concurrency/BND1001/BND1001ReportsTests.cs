using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.ConcurrencyVerify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>BND1001: a task or work item started per iteration is reported. Every case runs all three BND1001–BND1003 analyzers.</summary>
public class BND1001ReportsTests
{
    [Fact]
    public Task TaskRunPerUrlCollectedAndAwaited() => Reports("""
            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    tasks.Add({|#0:Task.Run|}(() => _http.GetStringAsync(url, cancellationToken)));
                }

                return await Task.WhenAll(tasks);
            }
        """, BND1001(0));

    [Fact]
    public Task DiscardedTaskRunPerFile() => Reports("""
            public void IndexAll(string root)
            {
                foreach (var path in Directory.EnumerateFiles(root, "*.log", SearchOption.AllDirectories))
                {
                    _ = {|#0:Task.Run|}(() => Index(path));
                }
            }
        """, BND1001(0));

    [Fact]
    public Task ForLoopOverListCount() => Reports("""
            public void Score(List<Order> orders)
            {
                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    {|#0:Task.Run|}(() => _results.Add(Score(order).ToString()));
                }
            }
        """, BND1001(0));

    [Fact]
    public Task WhileReadingLines() => Reports("""
            public async Task ImportAsync(TextReader reader)
            {
                string? line;
                var pending = new List<Task>();
                while ((line = await reader.ReadLineAsync()) != null)
                {
                    var captured = line;
                    pending.Add({|#0:Task.Run|}(() => _results.Add(Transform(captured))));
                }

                await Task.WhenAll(pending);
            }
        """, BND1001(0));

    [Fact]
    public Task DoWhileOverQueue() => Reports("""
            public void Drain(Queue<Order> queue)
            {
                do
                {
                    var order = queue.Dequeue();
                    {|#0:Task.Run|}(() => SaveAsync(order));
                }
                while (queue.Count > 0);
            }
        """, BND1001(0));

    [Fact]
    public Task AwaitForeachOverMessages() => Reports("""
            public async Task ConsumeAsync(CancellationToken cancellationToken)
            {
                await foreach (var message in _store.ReadAllAsync(cancellationToken))
                {
                    _ = {|#0:Task.Run|}(() => _handler.HandleAsync(message, cancellationToken), cancellationToken);
                }
            }
        """, BND1001(0));

    [Fact]
    public Task StartNewPerOrder() => Reports("""
            public Task SaveAllAsync(IEnumerable<Order> orders)
            {
                var tasks = new List<Task>();
                foreach (var order in orders)
                {
                    tasks.Add({|#0:Task.Factory.StartNew|}(() => SaveAsync(order).Wait()));
                }

                return Task.WhenAll(tasks);
            }
        """, BND1001(0, "Task.Factory.StartNew"));

    [Fact]
    public Task NewTaskStartPerOrder() => Reports("""
            public void SaveAll(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    var task = new Task(() => SaveAsync(order).Wait());
                    task.{|#0:Start|}();
                }
            }
        """, BND1001(0, "Task.Start"));

    [Fact]
    public Task QueueUserWorkItemPerPath() => Reports("""
            public void IndexAll(string[] paths)
            {
                foreach (var path in paths)
                {
                    {|#0:ThreadPool.QueueUserWorkItem|}(_ => Index(path));
                }
            }
        """, BND1001(0, "ThreadPool.QueueUserWorkItem"));

    [Fact]
    public Task UnsafeQueueUserWorkItemPerMessage() => Reports("""
            public void Dispatch(IEnumerable<Message> messages)
            {
                foreach (var message in messages)
                {
                    {|#0:ThreadPool.UnsafeQueueUserWorkItem|}(m => _handler.HandleAsync(m, CancellationToken.None).Wait(), message, preferLocal: false);
                }
            }
        """, BND1001(0, "ThreadPool.UnsafeQueueUserWorkItem"));

    [Fact]
    public Task SelectTaskRunIntoWhenAll() => Reports("""
            public Task<int[]> ScoreAllAsync(IEnumerable<Order> orders) =>
                Task.WhenAll(orders.Select(order => {|#0:Task.Run|}(() => Score(order))));
        """, BND1001(0, where: "element passed to 'Select'"));

    [Fact]
    public Task BlockBodiedSelectReturningTaskRunIsReportedOnceAsSpawnPerElement() => Reports("""
            public Task<int[]> ScoreAllAsync(IEnumerable<Order> orders) =>
                Task.WhenAll(orders.Select(order =>
                {
                    if (order.Customer is null)
                    {
                        return Task.FromResult(0);
                    }

                    return {|#0:Task.Run|}(() => Score(order));
                }));
        """, BND1001(0, where: "element passed to 'Select'"));

    [Fact]
    public Task ListForEachTaskRun() => Reports("""
            public void IndexAll(List<string> paths)
            {
                paths.ForEach(path => {|#0:Task.Run|}(() => Index(path)));
            }
        """, BND1001(0, where: "element passed to 'ForEach'"));

    [Fact]
    public Task ArrayForEachQueueUserWorkItem() => Reports("""
            public void IndexAll(string[] paths)
            {
                Array.ForEach(paths, path => {|#0:ThreadPool.QueueUserWorkItem|}(_ => Index(path)));
            }
        """, BND1001(0, "ThreadPool.QueueUserWorkItem", "element passed to 'ForEach'"));

    [Fact]
    public Task AcceptLoopSpawnsPerConnection() => Reports("""
            public async Task ServeAsync(TcpListener listener, CancellationToken cancellationToken)
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var client = await listener.AcceptTcpClientAsync(cancellationToken);
                    _ = {|#0:Task.Run|}(() => Handle(client), cancellationToken);
                }
            }
        """, BND1001(0));

    [Fact]
    public Task InnerLoopOfNestedLoops() => Reports("""
            public void IndexTree(IEnumerable<string> roots)
            {
                foreach (var root in roots)
                {
                    foreach (var file in Directory.EnumerateFiles(root))
                    {
                        {|#0:Task.Run|}(() => Index(file));
                    }
                }
            }
        """, BND1001(0));

    [Fact]
    public Task LargeConstantRange() => Reports("""
            public Task WarmAsync()
            {
                var tasks = new List<Task>();
                foreach (var id in Enumerable.Range(0, 10_000))
                {
                    tasks.Add({|#0:Task.Run|}(() => _results.Add(id.ToString())));
                }

                return Task.WhenAll(tasks);
            }
        """, BND1001(0));

    [Fact]
    public Task ConditionalSpawnInsideLoop() => Reports("""
            public void Reprice(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    if (order.Total > 100)
                    {
                        {|#0:Task.Run|}(() => SaveAsync(order with { Total = order.Total * 0.9m }));
                    }
                }
            }
        """, BND1001(0));

    [Fact]
    public Task MethodGroupWorkInLoop() => Reports("""
            public void RunBatches(int batchCount)
            {
                for (var i = 0; i < batchCount; i++)
                {
                    {|#0:Task.Run|}(ProcessAll);
                }
            }
        """, BND1001(0));

    [Fact]
    public Task TaskKeptInOuterVariableIsNotSequential() => Reports("""
            public async Task ForwardAsync(IEnumerable<Message> messages)
            {
                Task last = Task.CompletedTask;
                foreach (var message in messages)
                {
                    last = {|#0:Task.Run|}(() => _handler.HandleAsync(message, CancellationToken.None));
                }

                await last;
            }
        """, BND1001(0));

    [Fact]
    public Task SmallLoopLimitIsConfigurable() => ReportsWith("bounded.bnd1001.small_loop_limit = 4", """
            public void Ping()
            {
                for (var i = 0; i < 10; i++)
                {
                    {|#0:Task.Run|}(() => _http.GetAsync("http://localhost/health"));
                }
            }
        """, BND1001(0));

    [Fact]
    public Task InclusiveBoundAboveTheLimit() => Reports("""
            public void Ping()
            {
                for (var i = 0; i <= 16; i++)
                {
                    {|#0:Task.Run|}(() => _http.GetAsync("http://localhost/health"));
                }
            }
        """, BND1001(0));

    // Webhooks are data (one per customer subscription), not handlers the program registers.
    [Fact]
    public Task WebhookPerSubscriptionIsStillReported() => Reports("""
            public void Notify(IReadOnlyList<string> webhooks, string payload)
            {
                foreach (var webhook in webhooks)
                {
                    _ = {|#0:Task.Run|}(() => _http.PostAsync(webhook, new StringContent(payload)));
                }
            }
        """, BND1001(0));

    // Names vouch only for values the program owns (NamePolicy): a cap chosen by the caller is a count of input items.
    [Fact]
    public Task CapFromAParameterIsStillInput() => Reports("""
            public void ExportRows(int maxRows)
            {
                for (var i = 0; i < maxRows; i++)
                {
                    var row = i;
                    _ = {|#0:Task.Run|}(() => Index("row-" + row));
                }
            }
        """, BND1001(0));

    [Fact]
    public Task CapReadFromARequestIsStillInput() => Reports("""
            public sealed class Query { public int Limit { get; init; } }

            public void Prefetch(Query query)
            {
                var limit = query.Limit;
                for (var i = 0; i < limit; i++)
                {
                    var page = i;
                    _ = {|#0:Task.Run|}(() => Index("page-" + page));
                }
            }
        """, BND1001(0));

    [Fact]
    public Task CallbacksHandedInWithARequestAreInput() => Reports("""
            public sealed class Request { public List<Func<Task>> Callbacks { get; } = new(); }

            public void Notify(Request request)
            {
                var callbacksFromRequest = request.Callbacks;
                foreach (var callback in callbacksFromRequest)
                {
                    _ = {|#0:Task.Run|}(() => callback());
                }
            }
        """, BND1001(0));

    [Fact]
    public Task HandlersPassedAsAParameterAreInput() => Reports("""
            public void Publish(IEnumerable<IMessageHandler> handlers, Message message)
            {
                foreach (var handler in handlers)
                {
                    _ = {|#0:Task.Run|}(() => handler.HandleAsync(message, CancellationToken.None));
                }
            }
        """, BND1001(0));

    // Data the type holds is still data: a field of records is items, not components.
    [Fact]
    public Task PendingOrdersHeldInAFieldAreItems() => Reports("""
            private readonly List<Order> _pending = new();

            public void Accept(Order order) => _pending.Add(order);

            public void FlushPending()
            {
                foreach (var order in _pending)
                {
                    _ = {|#0:Task.Run|}(() => SaveAsync(order));
                }
            }
        """, BND1001(0));
    // Input evidence: rows a query returns are input, even when the repository is a field.
    [Fact]
    public Task RowsQueriedThroughAFieldAreInput() => Reports("""
            public sealed class Repository { public List<Order> LoadPending() => new(); }

            private readonly Repository _repository = new();

            public void SavePending()
            {
                foreach (var order in _repository.LoadPending())
                {
                    _ = {|#0:Task.Run|}(() => SaveAsync(order));
                }
            }
        """, BND1001(0));

    // Input evidence: a connection accepted on each iteration is an item, from a listener the type holds too.
    [Fact]
    public Task ConnectionAcceptedFromAHeldListener() => Reports("""
            private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

            public void Serve()
            {
                while (true)
                {
                    var client = _listener.AcceptTcpClient();
                    _ = {|#0:Task.Run|}(() => Handle(client));
                }
            }
        """, BND1001(0));

    // Input evidence: a loop that re-reads the batch its condition tests from a call is a reader's cursor.
    [Fact]
    public Task BatchesReadThroughACursor() => Reports("""
            public sealed class Directory { public string[]? ReadNext() => null; }

            private readonly Directory _directory = new();

            public void Announce()
            {
                var batch = _directory.ReadNext();
                while (batch is not null)
                {
                    var count = batch.Length;
                    {|#0:ThreadPool.QueueUserWorkItem|}(_ => Index(count.ToString()));
                    batch = _directory.ReadNext();
                }
            }
        """, BND1001(0, "ThreadPool.QueueUserWorkItem"));

    // Input evidence: chunks a reader (a disposable source the method opened) hands out, one per iteration.
    [Fact]
    public Task ChunksHandedOutByAReader() => Reports("""
            public sealed class ChunkReader : IDisposable { public byte[] Read() => Array.Empty<byte>(); public void Dispose() { } }

            public void Download(Action<long> progress)
            {
                using var reader = new ChunkReader();
                long total = 0;
                while (true)
                {
                    var chunk = reader.Read();
                    if (chunk.Length == 0)
                    {
                        break;
                    }

                    total += chunk.Length;
                    var offset = total;
                    {|#0:ThreadPool.QueueUserWorkItem|}(_ => progress(offset));
                }
            }
        """, BND1001(0, "ThreadPool.QueueUserWorkItem"));

    // A completion signal with work before it is work.
    [Fact]
    public Task SignalAfterRealWorkIsStillWork() => Reports("""
            public void CompleteAll(IEnumerable<(Order Order, TaskCompletionSource<bool> Done)> pending)
            {
                foreach (var (order, done) in pending)
                {
                    _ = {|#0:Task.Run|}(async () =>
                    {
                        await SaveAsync(order);
                        done.TrySetResult(true);
                    });
                }
            }
        """, BND1001(0));
}
