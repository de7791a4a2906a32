// Hosted background services of the order API: outbox publishing, metrics, tenant synchronisation,
// report rendering and housekeeping.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corpus.Workers
{
    public sealed class WorkerOptions
    {
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

        public int BatchSize { get; set; } = 100;

        public string ReportDirectory { get; set; } = "reports";

        public int RenderThreads { get; set; } = 2;
    }

    public sealed record OutboxMessage(long Id, string Topic, string Payload, int Attempts);

    public interface IOutboxStore
    {
        Task<IReadOnlyList<OutboxMessage>> TakeBatchAsync(int size, CancellationToken cancellationToken = default);

        Task MarkSentAsync(long id, CancellationToken cancellationToken = default);

        Task MarkFailedAsync(long id, string reason, CancellationToken cancellationToken = default);
    }

    public interface IMessageBus
    {
        Task PublishAsync(string topic, string payload, CancellationToken cancellationToken = default);
    }

    public interface ITenantCatalog
    {
        Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken = default);
    }

    public interface ITenantSynchronizer
    {
        Task SyncAsync(string tenant, CancellationToken cancellationToken = default);

        void Sync(string tenant);
    }

    public interface IMetricsSink
    {
        Task FlushAsync(IReadOnlyDictionary<string, double> values, CancellationToken cancellationToken = default);
    }

    /// <summary>Not reported: the canonical outbox loop, bounded by the stopping token.</summary>
    public sealed class OutboxPublisher : BackgroundService
    {
        private readonly IOutboxStore _store;
        private readonly IMessageBus _bus;
        private readonly WorkerOptions _options;
        private readonly ILogger<OutboxPublisher> _logger;

        public OutboxPublisher(IOutboxStore store, IMessageBus bus, IOptions<WorkerOptions> options, ILogger<OutboxPublisher> logger)
        {
            _store = store;
            _bus = bus;
            _options = options.Value;
            _logger = logger;
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = await _store.TakeBatchAsync(_options.BatchSize, stoppingToken);
                foreach (var message in batch)
                {
                    try
                    {
                        await _bus.PublishAsync(message.Topic, message.Payload, stoppingToken);
                        await _store.MarkSentAsync(message.Id, stoppingToken);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        _logger.LogWarning(exception, "Outbox message {Id} failed", message.Id);
                        await _store.MarkFailedAsync(message.Id, exception.Message, stoppingToken);
                    }
                }

                if (batch.Count == 0)
                {
                    await Task.Delay(_options.PollInterval, stoppingToken);
                }
            }
        }
    }

    /// <summary>Positive: a metrics loop that never looks at the stopping token.</summary>
    public sealed class MetricsFlusher : BackgroundService
    {
        private readonly ConcurrentDictionary<string, double> _gauges = new();
        private readonly IMetricsSink _sink;

        public MetricsFlusher(IMetricsSink sink) => _sink = sink;

        public void Set(string name, double value) => _gauges[name] = value;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (true) // expect BND2002
            {
                await Task.Delay(TimeSpan.FromSeconds(10));
                var snapshot = new Dictionary<string, double>(_gauges);
                await _sink.FlushAsync(snapshot);
            }
        }
    }

    /// <summary>Not reported: the loop passes the token to every awaited call.</summary>
    public sealed class TokenAwareMetricsFlusher : BackgroundService
    {
        private readonly ConcurrentDictionary<string, double> _gauges = new();
        private readonly IMetricsSink _sink;

        public TokenAwareMetricsFlusher(IMetricsSink sink) => _sink = sink;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken);
                await _sink.FlushAsync(new Dictionary<string, double>(_gauges), stoppingToken);
            }
        }
    }

    /// <summary>Not reported: the loop has a reachable break.</summary>
    public sealed class WarmupProbe : BackgroundService
    {
        private readonly HttpClient _http;
        private readonly ILogger<WarmupProbe> _logger;

        public WarmupProbe(HttpClient http, ILogger<WarmupProbe> logger)
        {
            _http = http;
            _logger = logger;
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var attempt = 0;
            for (;;)
            {
                attempt++;
                try
                {
                    using var response = await _http.GetAsync("health");
                    if (response.IsSuccessStatusCode)
                    {
                        _logger.LogInformation("Warm after {Attempts} attempts", attempt);
                        break;
                    }
                }
                catch (HttpRequestException exception)
                {
                    _logger.LogWarning(exception, "Probe failed");
                }

                if (attempt >= 30)
                {
                    return;
                }

                await Task.Delay(1000);
            }
        }
    }

    /// <summary>Tenant synchronisation: fan-out over tenants in several shapes.</summary>
    public sealed class TenantSyncService : BackgroundService
    {
        private readonly ITenantCatalog _catalog;
        private readonly ITenantSynchronizer _synchronizer;
        private readonly WorkerOptions _options;
        private readonly ILogger<TenantSyncService> _logger;

        public TenantSyncService(ITenantCatalog catalog, ITenantSynchronizer synchronizer, IOptions<WorkerOptions> options, ILogger<TenantSyncService> logger)
        {
            _catalog = catalog;
            _synchronizer = synchronizer;
            _options = options.Value;
            _logger = logger;
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var tenants = await _catalog.ListTenantsAsync(stoppingToken);
                await SyncThrottledAsync(tenants, stoppingToken);
                await Task.Delay(_options.PollInterval, stoppingToken);
            }
        }

        // Positive: one fire-and-forget task per tenant (the token flows, so only the missing limit is reported).
        public void SyncAllDetached(IEnumerable<string> tenants, CancellationToken cancellationToken)
        {
            foreach (var tenant in tenants)
            {
                _ = Task.Run(() => _synchronizer.SyncAsync(tenant, cancellationToken), cancellationToken); // expect BND1001
            }
        }

        // Positive: Task.Factory.StartNew per tenant, collected.
        public Task SyncAllWithFactory(IReadOnlyList<string> tenants)
        {
            var tasks = new List<Task>();
            for (var i = 0; i < tenants.Count; i++)
            {
                var tenant = tenants[i];
                tasks.Add(Task.Factory.StartNew(() => _synchronizer.Sync(tenant))); // expect BND1001
            }

            return Task.WhenAll(tasks);
        }

        // Positive: a thread-pool work item per tenant.
        public void SyncAllOnThreadPool(IEnumerable<string> tenants)
        {
            foreach (var tenant in tenants)
            {
                ThreadPool.QueueUserWorkItem(_ => _synchronizer.Sync(tenant)); // expect BND1001
            }
        }

        // Positive: a per-element Task.Run through LINQ.
        public Task SyncAllThroughLinq(IEnumerable<string> tenants, CancellationToken cancellationToken) =>
            Task.WhenAll(tenants.Select(tenant => Task.Run(() => _synchronizer.SyncAsync(tenant, cancellationToken), cancellationToken))); // expect BND1001

        // Positive: List<T>.ForEach with a Task.Run per element.
        public void SyncAllWithForEach(List<string> tenants, CancellationToken cancellationToken)
        {
            tenants.ForEach(tenant => Task.Run(() => _synchronizer.SyncAsync(tenant, cancellationToken), cancellationToken)); // expect BND1001
        }

        // Not reported: the semaphore is taken before each spawn; the task releases it.
        public async Task SyncThrottledAsync(IEnumerable<string> tenants, CancellationToken cancellationToken)
        {
            using var throttle = new SemaphoreSlim(4);
            var tasks = new List<Task>();
            foreach (var tenant in tenants)
            {
                await throttle.WaitAsync(cancellationToken);
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        await _synchronizer.SyncAsync(tenant, cancellationToken);
                    }
                    finally
                    {
                        throttle.Release();
                    }
                }, cancellationToken));
            }

            await Task.WhenAll(tasks);
        }

        // Not reported: a fixed pool of workers sized by the processor count drains a queue.
        public async Task SyncWithWorkerPoolAsync(IEnumerable<string> tenants, CancellationToken cancellationToken)
        {
            var queue = new ConcurrentQueue<string>(tenants);
            var workers = new List<Task>();
            for (var i = 0; i < Environment.ProcessorCount; i++)
            {
                workers.Add(Task.Run(async () =>
                {
                    while (queue.TryDequeue(out var tenant))
                    {
                        await _synchronizer.SyncAsync(tenant, cancellationToken);
                    }
                }, cancellationToken));
            }

            await Task.WhenAll(workers);
        }

        // Not reported: two workers, a constant loop bound under the threshold.
        public Task SyncWithTwoWorkersAsync(ConcurrentQueue<string> queue, CancellationToken cancellationToken)
        {
            var workers = new Task[2];
            for (var i = 0; i < 2; i++)
            {
                workers[i] = Task.Run(() =>
                {
                    while (queue.TryDequeue(out var tenant))
                    {
                        _synchronizer.Sync(tenant);
                    }
                }, cancellationToken);
            }

            return Task.WhenAll(workers);
        }

        // Not reported: sequential, awaited in the iteration.
        public async Task SyncSequentiallyAsync(IEnumerable<string> tenants, CancellationToken cancellationToken)
        {
            foreach (var tenant in tenants)
            {
                await Task.Run(() => _synchronizer.Sync(tenant), cancellationToken);
            }
        }

        // Not reported: the loop leaves right after the spawn (only the first tenant is handed off).
        public Task? SyncFirst(IEnumerable<string> tenants, CancellationToken cancellationToken)
        {
            foreach (var tenant in tenants)
            {
                if (!string.IsNullOrEmpty(tenant))
                {
                    return Task.Run(() => _synchronizer.SyncAsync(tenant, cancellationToken), cancellationToken);
                }
            }

            return null;
        }

        // Not reported: the lambda is declared in the loop but only invoked after it.
        public async Task SyncLastAsync(IEnumerable<string> tenants, CancellationToken cancellationToken)
        {
            Func<Task>? last = null;
            foreach (var tenant in tenants)
            {
                last = () => Task.Run(() => _synchronizer.SyncAsync(tenant, cancellationToken), cancellationToken);
            }

            if (last is not null)
            {
                await last();
            }
        }

        // Not reported: Parallel.ForEach with an explicit limit.
        public void SyncParallel(IEnumerable<string> tenants)
        {
            Parallel.ForEach(tenants, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, tenant => _synchronizer.Sync(tenant));
        }

        // Positive: MaxDegreeOfParallelism = -1 means no limit for Parallel.ForEach.
        public void SyncParallelUnlimited(IEnumerable<string> tenants)
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = -1 }; // expect BND4002
            Parallel.ForEach(tenants, options, tenant => _synchronizer.Sync(tenant));
        }

        // Positive: a dedicated OS thread per tenant.
        public void SyncOnThreads(IEnumerable<string> tenants)
        {
            foreach (var tenant in tenants)
            {
                new Thread(() => _synchronizer.Sync(tenant)) { IsBackground = true }.Start(); // expect BND1003
            }
        }

        // Positive: LongRunning in a loop is a new thread per tenant too.
        public Task SyncLongRunning(IEnumerable<string> tenants)
        {
            var tasks = new List<Task>();
            foreach (var tenant in tenants)
            {
                tasks.Add(Task.Factory.StartNew(() => _synchronizer.Sync(tenant), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)); // expect BND1003
            }

            return Task.WhenAll(tasks);
        }
    }

    /// <summary>Renders reports on a fixed set of dedicated threads: the cure, not the disease.</summary>
    public sealed class ReportRenderer : IHostedService
    {
        private readonly BlockingCollection<string> _requests = new BlockingCollection<string>(boundedCapacity: 64);
        private readonly List<Thread> _threads = new();
        private readonly WorkerOptions _options;
        private readonly ILogger<ReportRenderer> _logger;
        private CancellationTokenSource? _stopping;

        public ReportRenderer(IOptions<WorkerOptions> options, ILogger<ReportRenderer> logger)
        {
            _options = options.Value;
            _logger = logger;
        }

        public bool TryEnqueue(string reportName) => _requests.TryAdd(reportName, TimeSpan.FromMilliseconds(100));

        // Not reported: the field keeps the source; StopAsync disposes it.
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var token = _stopping.Token;
            for (var i = 0; i < Environment.ProcessorCount; i++)
            {
                var thread = new Thread(() => RenderLoop(token)) { IsBackground = true, Name = "report-renderer-" + i };
                thread.Start();
                _threads.Add(thread);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _requests.CompleteAdding();
            _stopping?.Cancel();
            foreach (var thread in _threads)
            {
                thread.Join(TimeSpan.FromSeconds(5));
            }

            _stopping?.Dispose();
            return Task.CompletedTask;
        }

        private void RenderLoop(CancellationToken cancellationToken)
        {
            try
            {
                foreach (var name in _requests.GetConsumingEnumerable(cancellationToken))
                {
                    var path = Path.Combine(_options.ReportDirectory, name + ".txt");
                    File.WriteAllText(path, "Report " + name + " rendered at " + DateTimeOffset.UtcNow.ToString("O"));
                }
            }
            catch (OperationCanceledException)
            {
                _logger.LogDebug("Renderer stopped");
            }
        }
    }

    /// <summary>Housekeeping jobs with timeouts.</summary>
    public sealed class HousekeepingService : BackgroundService
    {
        private readonly string _directory;
        private readonly ILogger<HousekeepingService> _logger;
        private volatile bool _running = true;
        private bool _paused;

        public HousekeepingService(IOptions<WorkerOptions> options, ILogger<HousekeepingService> logger)
        {
            _directory = options.Value.ReportDirectory;
            _logger = logger;
        }

        public void Pause() => _paused = true;

        public void Resume() => _paused = false;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!_paused)
                {
                    await PurgeAsync(stoppingToken);
                }

                await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            }
        }

        // Positive: a timeout source that is never disposed.
        public async Task<int> PurgeAsync(CancellationToken stoppingToken)
        {
            var budget = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // expect BND2003
            var removed = 0;
            foreach (var file in Directory.EnumerateFiles(_directory))
            {
                if (budget.IsCancellationRequested || stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                if (File.GetLastWriteTimeUtc(file) < DateTime.UtcNow.AddDays(-7))
                {
                    await Task.Run(() => File.Delete(file), budget.Token);
                    removed++;
                }
            }

            return removed;
        }

        // Positive: CancelAfter on a local source that is never disposed.
        public async Task CompactAsync()
        {
            var cts = new CancellationTokenSource(); // expect BND2003
            cts.CancelAfter(TimeSpan.FromMinutes(2));
            await Task.Run(() => Compact(cts.Token), cts.Token);
        }

        // Not reported: disposed in finally.
        public async Task CompactSafelyAsync(CancellationToken stoppingToken)
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                cts.CancelAfter(TimeSpan.FromMinutes(2));
                await Task.Run(() => Compact(cts.Token), cts.Token);
            }
            finally
            {
                cts.Dispose();
            }
        }

        // Not reported: a using statement scopes the source.
        public async Task VerifyAsync(CancellationToken stoppingToken)
        {
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                cts.CancelAfter(5000);
                await Task.Delay(100, cts.Token);
            }
        }

        // Not reported: a plain source that is never linked and never times out is not a leak of a registration.
        public Task ShutdownSignal()
        {
            var signal = new CancellationTokenSource();
            signal.Cancel();
            return Task.FromCanceled(signal.Token);
        }

        // Positive: a polling loop on a field that nothing ever sets to false.
        public async Task WatchAsync()
        {
            while (_running) // expect BND2002
            {
                await Task.Delay(500);
                _logger.LogDebug("Watching {Directory}", _directory);
            }
        }

        private void Compact(CancellationToken cancellationToken)
        {
            foreach (var file in Directory.EnumerateFiles(_directory, "*.tmp"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                File.Delete(file);
            }
        }
    }

    /// <summary>A polling worker whose loop flag is cleared by Stop.</summary>
    public sealed class QueueDepthMonitor
    {
        private readonly Func<int> _depth;
        private readonly ILogger _logger;
        private bool _active;

        public QueueDepthMonitor(Func<int> depth, ILogger logger)
        {
            _depth = depth;
            _logger = logger;
        }

        public void Stop() => _active = false;

        // Not reported: Stop clears the flag the loop tests.
        public async Task RunAsync()
        {
            _active = true;
            while (_active)
            {
                _logger.LogDebug("Depth {Depth}", _depth());
                await Task.Delay(1000);
            }
        }

        // Positive: the caller's token never reaches the detached monitoring loop.
        public void StartDetached(CancellationToken cancellationToken)
        {
            _ = RunAsync(); // expect BND2001
        }

        // Not reported: neither RunAsync nor this code has a token (Stop() ends the loop).
        public void StartUntilStopped()
        {
            _ = RunAsync();
        }

        // Not reported: Task.CompletedTask is not work.
        public Task Nothing() => Task.CompletedTask;

        // Not reported: the continuation observes the task's failure.
        public void StartObserved(CancellationToken cancellationToken)
        {
            Task.Run(RunAsync, cancellationToken).ContinueWith(t => _logger.LogError(t.Exception!, "Monitor failed"), TaskContinuationOptions.OnlyOnFaulted);
        }
    }
}
