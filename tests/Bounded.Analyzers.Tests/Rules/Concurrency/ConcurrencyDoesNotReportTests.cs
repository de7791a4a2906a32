using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Concurrency;

/// <summary>BND1001–BND1003 analyzer tests. Every case runs all three analyzers, so a negative case proves no rule fires.</summary>
public class ConcurrencyAnalyzerTests
{
    private static readonly DiagnosticAnalyzer[] Family = { new UnboundedTaskSpawnAnalyzer(), new UnboundedFanOutAnalyzer(), new ThreadPerItemAnalyzer() };

    private const string Loop = "iteration of this loop";

    private static DiagnosticResult BND1001(int marker, string api = "Task.Run", string where = Loop) =>
        new DiagnosticResult(RuleIds.UnboundedTaskSpawn, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(api, where);

    private static DiagnosticResult BND1002(int marker, string work, string where = "element passed to 'Select'") =>
        new DiagnosticResult(RuleIds.UnboundedAsyncFanOut, DiagnosticSeverity.Info).WithLocation(marker).WithArguments(work, where);

    private static DiagnosticResult BND1003(int marker, string api = "new Thread", string where = Loop) =>
        new DiagnosticResult(RuleIds.ThreadPerItem, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(api, where);

    private static Task Reports(string members, params DiagnosticResult[] expected) => Verify.AnalyzersAsync(Family, ConcurrencySources.Wrap(members), null, expected);

    private static Task ReportsWith(string editorConfig, string members, params DiagnosticResult[] expected) => Verify.AnalyzersAsync(Family, ConcurrencySources.Wrap(members), editorConfig, expected);

    private static Task Clean(string members) => Verify.AnalyzersAsync(Family, ConcurrencySources.Wrap(members), null);

    // ---------------------------------------------------------------- BND1001 positives

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

    // ---------------------------------------------------------------- BND1002 positives

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

    // ---------------------------------------------------------------- BND1003 positives

    [Fact]
    public Task ThreadPerConnection() => Reports("""
            public void Serve(TcpListener listener)
            {
                while (true)
                {
                    var client = listener.AcceptTcpClient();
                    {|#0:new Thread|}(() => Handle(client)) { IsBackground = true }.Start();
                }
            }
        """, BND1003(0));

    [Fact]
    public Task ThreadInLocalStartedPerFile() => Reports("""
            public void IndexAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    var thread = {|#0:new Thread|}(() => Index(path));
                    thread.Start();
                }
            }
        """, BND1003(0));

    [Fact]
    public Task LongRunningStartNewPerQueue() => Reports("""
            public void Listen(IEnumerable<BlockingCollection<Message>> queues)
            {
                foreach (var queue in queues)
                {
                    {|#0:Task.Factory.StartNew|}(() =>
                    {
                        foreach (var message in queue.GetConsumingEnumerable())
                        {
                            _handler.HandleAsync(message, CancellationToken.None).Wait();
                        }
                    }, TaskCreationOptions.LongRunning);
                }
            }
        """, BND1003(0, "Task.Factory.StartNew(LongRunning)"));

    [Fact]
    public Task LongRunningNewTaskStart() => Reports("""
            public void Listen(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    new Task(() => Index(path), TaskCreationOptions.LongRunning).{|#0:Start|}();
                }
            }
        """, BND1003(0, "Task.Start(LongRunning)"));

    // ---------------------------------------------------------------- negatives (no rule of the family fires)

    // Sonarr's EventAggregator: each registered async handler gets the event on the thread pool.
    [Fact]
    public Task EventPublishedToEachRegisteredHandler() => Clean("""
            private readonly List<IMessageHandler> _asyncHandlers = new();

            public void Publish(Message message)
            {
                foreach (var handler in _asyncHandlers)
                {
                    var local = handler;
                    Task.Factory.StartNew(() => local.HandleAsync(message, CancellationToken.None), TaskCreationOptions.PreferFairness);
                }
            }
        """);

    // Jellyfin's library scheduler: as many runners as the configured fan-out allows.
    [Fact]
    public Task RunnersUpToAConfiguredFanout() => Clean("""
            private readonly List<Task> _runners = new();

            public void StartRunners(int configuredFanout, CancellationToken cancellationToken)
            {
                var operationFanout = Math.Max(0, configuredFanout - _runners.Count);
                for (var i = 0; i < operationFanout; i++)
                {
                    _runners.Add(Task.Run(() => RunnerAsync(cancellationToken), cancellationToken));
                }
            }

            private Task RunnerAsync(CancellationToken cancellationToken) => Task.Delay(10, cancellationToken);
        """);

    // Orleans' AsyncEnumerableGrainExtension: removals already started, collected as tasks.
    [Fact]
    public Task ExistingValueTasksCollectedAsTasks() => Clean("""
            public async Task RemoveAllAsync(IReadOnlyList<ValueTask> removals)
            {
                var tasks = new List<Task>();
                foreach (var removeTask in removals)
                {
                    tasks.Add(removeTask.AsTask());
                }

                await Task.WhenAll(tasks);
            }
        """);

    [Fact]
    public Task AwaitedInSameIterationIsSequential() => Clean("""
            public async Task CrawlAsync(IEnumerable<string> urls)
            {
                foreach (var url in urls)
                {
                    var page = await Task.Run(() => _http.GetStringAsync(url));
                    _results.Add(page);
                }
            }
        """);

    [Fact]
    public Task ConfigureAwaitedInSameIteration() => Clean("""
            public async Task CrawlAsync(IEnumerable<string> urls)
            {
                foreach (var url in urls)
                {
                    _results.Add(await Task.Run(() => Transform(url)).ConfigureAwait(false));
                }
            }
        """);

    [Fact]
    public Task StoredAndAwaitedLaterInTheIteration() => Clean("""
            public async Task CrawlAsync(IEnumerable<string> urls)
            {
                foreach (var url in urls)
                {
                    var download = Task.Run(() => _http.GetStringAsync(url));
                    Index(url);
                    _results.Add(await download);
                }
            }
        """);

    [Fact]
    public Task WaitedInSameIteration() => Clean("""
            public void Convert(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    var task = Task.Run(() => Index(path));
                    task.Wait();
                }
            }
        """);

    [Fact]
    public Task SmallConstantLoop() => Clean("""
            public Task PingAsync()
            {
                var probes = new List<Task>();
                for (var i = 0; i < 4; i++)
                {
                    probes.Add(Task.Run(() => _http.GetAsync("http://localhost/health")));
                }

                return Task.WhenAll(probes);
            }
        """);

    [Fact]
    public Task LimitIsInclusive() => Clean("""
            public void Ping()
            {
                for (var i = 0; i < 16; i++)
                {
                    Task.Run(() => _http.GetAsync("http://localhost/health"));
                }
            }
        """);

    [Fact]
    public Task WorkerPoolSizedByProcessorCount() => Clean("""
            public Task StartWorkersAsync(ChannelReader<Message> reader, CancellationToken cancellationToken)
            {
                var workers = new Task[Environment.ProcessorCount];
                for (var i = 0; i < Environment.ProcessorCount; i++)
                {
                    workers[i] = Task.Run(async () =>
                    {
                        await foreach (var message in reader.ReadAllAsync(cancellationToken))
                        {
                            await _handler.HandleAsync(message, cancellationToken);
                        }
                    });
                }

                return Task.WhenAll(workers);
            }
        """);

    [Fact]
    public Task WorkerPoolOfTwiceTheProcessors() => Clean("""
            public void Start(BlockingCollection<Message> queue)
            {
                for (var i = 0; i < Environment.ProcessorCount * 2; i++)
                {
                    new Thread(() => { foreach (var m in queue.GetConsumingEnumerable()) { _handler.HandleAsync(m, default).Wait(); } }).Start();
                }
            }
        """);

    [Fact]
    public Task WorkerPoolWithConfiguredCount() => Clean("""
            public Task StartWorkersAsync(ChannelReader<Message> reader)
            {
                var workers = new List<Task>();
                for (var i = 0; i < _workerCount; i++)
                {
                    workers.Add(Task.Run(() => DrainAsync(reader)));
                }

                return Task.WhenAll(workers);
            }

            private async Task DrainAsync(ChannelReader<Message> reader)
            {
                await foreach (var message in reader.ReadAllAsync())
                {
                    await _handler.HandleAsync(message, default);
                }
            }
        """);

    [Fact]
    public Task WorkersStartedFromAPoolSizedRange() => Clean("""
            public Task StartWorkersAsync(ChannelReader<Message> reader) =>
                Task.WhenAll(Enumerable.Range(0, _workerCount).Select(_ => DrainAsync(reader)));

            private async Task DrainAsync(ChannelReader<Message> reader)
            {
                await foreach (var message in reader.ReadAllAsync())
                {
                    await _handler.HandleAsync(message, default);
                }
            }
        """);

    [Fact]
    public Task WorkersOverAPoolSizedArray() => Clean("""
            public Task StartWorkersAsync(ChannelReader<Message> reader)
            {
                var workers = new Task[_workerCount];
                for (var i = 0; i < workers.Length; i++)
                {
                    workers[i] = Task.Run(async () =>
                    {
                        await foreach (var message in reader.ReadAllAsync())
                        {
                            await _handler.HandleAsync(message, default);
                        }
                    });
                }

                return Task.WhenAll(workers);
            }
        """);

    [Fact]
    public Task ShortArrayOfEndpoints() => Clean("""
            public Task<string[]> HealthAsync()
            {
                var tasks = new List<Task<string>>();
                foreach (var url in new[] { "http://a/health", "http://b/health", "http://c/health" })
                {
                    tasks.Add(Task.Run(() => _http.GetStringAsync(url)));
                }

                return Task.WhenAll(tasks);
            }
        """);

    [Fact]
    public Task CollectionExpressionOfShards() => Clean("""
            public void Warm()
            {
                string[] shards = ["eu", "us", "ap"];
                foreach (var shard in shards)
                {
                    Task.Run(() => Index(shard));
                }
            }
        """);

    [Fact]
    public Task SmallRangeOfPartitions() => Clean("""
            public Task<int[]> CountAsync() =>
                Task.WhenAll(Enumerable.Range(0, 8).Select(partition => Task.Run(() => partition * 2)));
        """);

    [Fact]
    public Task GatedBySemaphoreInTheLoop() => Clean("""
            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    await _gate.WaitAsync(cancellationToken);
                    tasks.Add(Task.Run(async () =>
                    {
                        try { return await _http.GetStringAsync(url, cancellationToken); }
                        finally { _gate.Release(); }
                    }));
                }

                return await Task.WhenAll(tasks);
            }
        """);

    [Fact]
    public Task GatedInsideTheTask() => Clean("""
            public void IndexAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    Task.Run(async () =>
                    {
                        await _gate.WaitAsync();
                        try { Index(path); }
                        finally { _gate.Release(); }
                    });
                }
            }
        """);

    [Fact]
    public Task SelectWithSemaphoreInsideTheLambda() => Clean("""
            public Task<string[]> FetchAllAsync(IEnumerable<string> urls) =>
                Task.WhenAll(urls.Select(async url =>
                {
                    await _gate.WaitAsync();
                    try { return await _http.GetStringAsync(url); }
                    finally { _gate.Release(); }
                }));
        """);

    [Fact]
    public Task BoundedChannelWriteGatesTheLoop() => Clean("""
            public async Task PublishAsync(IEnumerable<Message> messages, Channel<Message> channel)
            {
                foreach (var message in messages)
                {
                    await channel.Writer.WriteAsync(message);
                    _ = Task.Run(() => _results.Add(message.Id));
                }
            }
        """);

    [Fact]
    public Task WhenAnyWindowLimitsRunningTasks() => Clean("""
            public async Task CrawlAsync(IEnumerable<string> urls)
            {
                var running = new List<Task>();
                foreach (var url in urls)
                {
                    if (running.Count >= 8)
                    {
                        running.Remove(await Task.WhenAny(running));
                    }

                    running.Add(Task.Run(() => _http.GetStringAsync(url)));
                }

                await Task.WhenAll(running);
            }
        """);

    [Fact]
    public Task BreakAfterSpawn() => Clean("""
            public void StartFirstLarge(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    if (order.Total > 1000)
                    {
                        Task.Run(() => SaveAsync(order));
                        break;
                    }
                }
            }
        """);

    [Fact]
    public Task ReturnedSpawnEndsTheLoop() => Clean("""
            public Task? StartFirst(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    if (File.Exists(path))
                    {
                        return Task.Run(() => Index(path));
                    }
                }

                return null;
            }
        """);

    [Fact]
    public Task LambdaDeclaredInLoopButNotRun() => Clean("""
            public List<Func<Task>> Plan(IEnumerable<string> paths)
            {
                var steps = new List<Func<Task>>();
                foreach (var path in paths)
                {
                    steps.Add(() => Task.Run(() => Index(path)));
                }

                return steps;
            }
        """);

    [Fact]
    public Task LocalFunctionDeclaredInLoop() => Clean("""
            public void Plan(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    Task Later() => Task.Run(() => Index(path));
                    _results.Add(path);
                }
            }
        """);

    [Fact]
    public Task ParallelForEachAsyncWithLimit() => Clean("""
            public Task IndexAllAsync(IEnumerable<string> paths, CancellationToken cancellationToken) =>
                Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (path, ct) =>
                {
                    await Task.Run(() => Index(path), ct);
                });
        """);

    [Fact]
    public Task SpawnBeforeTheLoop() => Clean("""
            public async Task RunAsync(IEnumerable<string> paths)
            {
                var indexing = Task.Run(ProcessAll);
                foreach (var path in paths)
                {
                    Index(path);
                }

                await indexing;
            }
        """);

    [Fact]
    public Task SpawnInForEachCollectionRunsOnce() => Clean("""
            public async Task RunAsync()
            {
                foreach (var task in await Task.WhenAll(Task.Run(() => 1), Task.Run(() => 2)))
                {
                    _results.Add(task.ToString());
                }
            }
        """);

    [Fact]
    public Task ChunkedBatchesAreBounded() => Clean("""
            public async Task SaveInBatchesAsync(IEnumerable<Order> orders)
            {
                foreach (var batch in orders.Chunk(10))
                {
                    var tasks = new List<Task>();
                    foreach (var order in batch)
                    {
                        tasks.Add(Task.Run(() => SaveAsync(order)));
                    }

                    await Task.WhenAll(tasks);
                }
            }
        """);

    [Fact]
    public Task BatchAwaitedInsideTheOuterIteration() => Clean("""
            public async Task SaveInBatchesAsync(IEnumerable<Order[]> batches)
            {
                foreach (var batch in batches)
                {
                    await Task.WhenAll(batch.Take(8).Select(order => SaveAsync(order)).ToArray().Select(t => t));
                }
            }
        """);

    [Fact]
    public Task SequentialAwaitInLoop() => Clean("""
            public async Task SaveAllAsync(IEnumerable<Order> orders, CancellationToken cancellationToken)
            {
                foreach (var order in orders)
                {
                    await SaveAsync(order, cancellationToken);
                }
            }
        """);

    [Fact]
    public Task SelectOfValuesIsNotFanOut() => Clean("""
            public int[] Scores(IEnumerable<Order> orders) => orders.Select(order => Score(order)).ToArray();
        """);

    [Fact]
    public Task TasksReturnedToCallerAreNotAwaitedHere() => Clean("""
            public List<Task> StartSaves(IEnumerable<Order> orders)
            {
                var saves = new List<Task>();
                foreach (var order in orders)
                {
                    saves.Add(SaveAsync(order));
                }

                return saves;
            }
        """);

    [Fact]
    public Task FanOutOverSmallFixedSet() => Clean("""
            public Task<string[]> MirrorsAsync() =>
                Task.WhenAll(new[] { "http://a/", "http://b/" }.Select(url => _http.GetStringAsync(url)));
        """);

    [Fact]
    public Task ThreadJoinedInSameIteration() => Clean("""
            public void ConvertAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    var thread = new Thread(() => Index(path));
                    thread.Start();
                    thread.Join();
                }
            }
        """);

    [Fact]
    public Task ThreadsForEachProcessor() => Clean("""
            public Thread[] StartReaders(BlockingCollection<Message> queue)
            {
                var readers = new Thread[Environment.ProcessorCount];
                for (var i = 0; i < readers.Length; i++)
                {
                    readers[i] = new Thread(() => { foreach (var m in queue.GetConsumingEnumerable()) { } });
                }

                return readers;
            }
        """.Replace("readers.Length", "Environment.ProcessorCount"));

    [Fact]
    public Task GeneratedCodeIsSkipped() => Verify.AnalyzersAsync(Family, "// <auto-generated/>\n" + ConcurrencySources.Wrap("""
            public void IndexAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    Task.Run(() => Index(path));
                }
            }
        """), null);

    [Fact]
    public Task HalfTypedCodeDoesNotThrow() => Verify.AnalyzersAsync(Family, ConcurrencySources.Wrap("""
            public void IndexAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    Task.Run();
                    Task.Rn(() => Index(path));
                    tasks.Add(Task.Run(() => Missing(path)));
                    new Thread(
                }
            }
        """), null, ignoreCompilerDiagnostics: true);
}
