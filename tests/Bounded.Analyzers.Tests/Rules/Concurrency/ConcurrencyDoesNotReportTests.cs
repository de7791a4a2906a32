using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.ConcurrencyVerify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>BND1001–BND1003 look-alikes. Every case runs all three analyzers, so each case proves no rule of the family fires.</summary>
public class ConcurrencyDoesNotReportTests
{
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

    // The owned counterparts of BND1001's input-cap cases: configuration and registration the type holds itself.
    [Fact]
    public Task CapOwnedByTheType() => Clean("""
            private readonly int _maxRunners = 3;
            private readonly List<Task> _runners = new();

            public void StartRunners()
            {
                for (var i = 0; i < _maxRunners; i++)
                {
                    _runners.Add(Task.Run(() => Index("runner")));
                }
            }
        """);

    [Fact]
    public Task WorkerCountChosenByTheCallerIsStillAPool() => Clean("""
            private readonly List<Task> _workers = new();

            public void Start(int workerCount, ChannelReader<Message> reader)
            {
                for (var i = 0; i < workerCount; i++)
                {
                    _workers.Add(Task.Run(async () => { await foreach (var m in reader.ReadAllAsync()) await _handler.HandleAsync(m, default); }));
                }
            }
        """);

    [Fact]
    public Task CallbacksTheTypeRegisteredItself() => Clean("""
            private readonly List<Func<Task>> _callbacks = new();

            public void Register(Func<Task> callback) => _callbacks.Add(callback);

            public void NotifyAll()
            {
                foreach (var callback in _callbacks)
                {
                    _ = Task.Run(() => callback());
                }
            }
        """);

    // Owned components are recognised by what they are, not by what they are called: behaviour (interfaces, delegates,
    // abstract classes) held by the program itself.
    [Fact]
    public Task TransportsTheTypeHoldsAreShutDownTogether() => Clean("""
            public interface ITransport { Task ShutdownAsync(); }

            private readonly Dictionary<string, ITransport> _transportMapping = new();

            public Task ShutdownAllAsync() => Task.WhenAll(_transportMapping.Values.Select(t => t.ShutdownAsync()));
        """);

    [Fact]
    public Task EndpointsOfAnAbstractTypeEachGetAWorker() => Clean("""
            public abstract class Endpoint { public abstract Task RunAsync(); }

            private readonly List<Endpoint> _endpoints = new();

            public void StartAll()
            {
                foreach (var endpoint in _endpoints)
                {
                    _ = Task.Run(() => endpoint.RunAsync());
                }
            }
        """);
    // Input evidence (BND1001–BND1003 report repetition driven by input): a count the type's own settings hold chooses a
    // number of workers, whatever it is called.
    [Fact]
    public Task CountFromTheTypesOwnSettingsIsAPool() => Clean("""
            public sealed class Settings { public int Lanes { get; init; } = 3; }

            private readonly Settings _settings = new();

            public void Start(CancellationToken cancellationToken)
            {
                for (var lane = 0; lane < _settings.Lanes; lane++)
                {
                    var current = lane;
                    _ = Task.Run(() => DrainAsync(current, cancellationToken), cancellationToken);
                    new Thread(() => DrainAsync(current, cancellationToken).Wait()).Start();
                }

                var lanes = Enumerable.Range(0, _settings.Lanes).Select(i => Task.Run(() => DrainAsync(i, cancellationToken))).ToArray();
            }

            private Task DrainAsync(int lane, CancellationToken cancellationToken) => Task.Delay(lane, cancellationToken);
        """);

    // Input evidence: parts the type creates itself, from its own count, are configuration even though they are
    // concrete classes rather than interfaces.
    [Fact]
    public Task PartsTheTypeCreatesItselfAreConfiguration() => Clean("""
            public sealed class Replayer { public Replayer(int lane) { } public Task RunAsync() => Task.CompletedTask; }

            private readonly int _lanes = 6;
            private Replayer[] _replayers = Array.Empty<Replayer>();

            public void Build() => _replayers = Enumerable.Range(0, _lanes).Select(i => new Replayer(i)).ToArray();

            public void StartAll()
            {
                foreach (var replayer in _replayers)
                {
                    _ = Task.Run(() => replayer.RunAsync());
                }
            }
        """);

    // Input evidence: a loop that receives nothing on each iteration (it spins on its own counter) repeats by
    // its own choice; here it even limits itself.
    [Fact]
    public Task LoopThatReceivesNothingIsNotPerItem() => Clean("""
            private int _outstanding;

            public void Hammer(CancellationToken cancellationToken)
            {
                var random = new Random(1);
                while (!cancellationToken.IsCancellationRequested)
                {
                    while (Volatile.Read(ref _outstanding) >= 64)
                    {
                        Thread.Yield();
                    }

                    Interlocked.Increment(ref _outstanding);
                    var key = random.Next(0, 1000);
                    _ = Task.Run(async () => { await Task.Delay(key % 3); Interlocked.Decrement(ref _outstanding); });
                }
            }
        """);

    // Input evidence: a timer tick is time, not an item.
    [Fact]
    public Task PeriodicTickIsNotAnItem() => Clean("""
            public async Task PollAsync(CancellationToken cancellationToken)
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    _ = Task.Run(() => ProcessAll());
                }
            }
        """);

    // Code marked [GeneratedCode] in an ordinary file is generated too: not analysed, nothing reported in it.
    [Fact]
    public Task TypeMarkedGeneratedCodeIsSkipped() => Clean("""
            [System.CodeDom.Compiler.GeneratedCode("codegen", "1.0")]
            public sealed class GeneratedSpawner
            {
                public void Spawn(IEnumerable<Order> orders)
                {
                    foreach (var order in orders)
                    {
                        _ = Task.Run(() => order.Id);
                    }
                }
            }
        """);

    // A completion signal is not work: a poll loop that completes each pending request off its own thread holds no
    // resource, and the requests already waiting bound how many there are.
    [Fact]
    public Task CompletionHandOffPerPolledEvent() => Clean("""
            public async Task PollAsync(ChannelReader<(object Pending, int Result, Exception? Error)> events)
            {
                while (await events.WaitToReadAsync())
                {
                    while (events.TryRead(out var completed))
                    {
                        if (completed.Error is not null)
                        {
                            Task.Run(() => ((TaskCompletionSource<int>)completed.Pending).TrySetException(completed.Error));
                        }
                        else
                        {
                            Task.Run(() => ((TaskCompletionSource<int>)completed.Pending).TrySetResult(completed.Result));
                        }
                    }
                }
            }
        """);
}
