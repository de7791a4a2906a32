// A read-through product cache with per-key locks, background refresh, bulk warm-up, expiry sweeping and
// a compact binary snapshot format.
using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Corpus.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corpus.Caching
{
    public sealed record Product(string Sku, string Name, decimal Price, DateTimeOffset LoadedAt);

    public interface IProductSource
    {
        Task<Product?> LoadAsync(string sku, CancellationToken cancellationToken = default);

        Task<IReadOnlyList<string>> ListSkusAsync(CancellationToken cancellationToken = default);
    }

    public sealed class CacheEntry
    {
        public CacheEntry(Product product, DateTimeOffset expiresAt)
        {
            Product = product;
            ExpiresAt = expiresAt;
        }

        public Product Product { get; }

        public DateTimeOffset ExpiresAt { get; }

        public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
    }

    /// <summary>The cache itself: one loader per key at a time.</summary>
    public sealed class ProductCache
    {
        private readonly ConcurrentDictionary<string, CacheEntry> _entries = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new(StringComparer.Ordinal);
        private readonly IProductSource _source;
        private readonly TimeSpan _lifetime;
        private readonly ILogger _logger;

        public ProductCache(IProductSource source, TimeSpan lifetime, ILogger logger)
        {
            _source = source;
            _lifetime = lifetime;
            _logger = logger;
        }

        public int Count => _entries.Count;

        // Not reported: the per-key lock is awaited before the try and released in finally.
        public async Task<Product?> GetAsync(string sku, CancellationToken cancellationToken)
        {
            if (_entries.TryGetValue(sku, out var entry) && !entry.IsExpired(DateTimeOffset.UtcNow))
            {
                return entry.Product;
            }

            var keyLock = _keyLocks.GetOrAdd(sku, _ => new SemaphoreSlim(1, 1));
            await keyLock.WaitAsync(cancellationToken);
            try
            {
                if (_entries.TryGetValue(sku, out entry) && !entry.IsExpired(DateTimeOffset.UtcNow))
                {
                    return entry.Product;
                }

                var product = await _source.LoadAsync(sku, cancellationToken);
                if (product is not null)
                {
                    _entries[sku] = new CacheEntry(product, DateTimeOffset.UtcNow + _lifetime);
                }

                return product;
            }
            finally
            {
                keyLock.Release();
            }
        }

        // Positive: a background refresh per expired entry, fire-and-forget (BND1001). No BND2001: a short reload,
        // and no token anywhere in this cache's design.
        public void RefreshExpired()
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var pair in _entries)
            {
                if (pair.Value.IsExpired(now))
                {
                    Task.Run(() => ReloadAsync(pair.Key, default)); // expect BND1001
                }
            }
        }

        // Not reported: the expired keys are refreshed with Parallel.ForEachAsync and a limit.
        public Task RefreshExpiredAsync(CancellationToken cancellationToken)
        {
            var now = DateTimeOffset.UtcNow;
            var expired = _entries.Where(p => p.Value.IsExpired(now)).Select(p => p.Key).ToList();
            return Parallel.ForEachAsync(expired, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (sku, token) => await ReloadAsync(sku, token));
        }

        // Positive: warm-up loads every product at once.
        public async Task WarmUpAsync(CancellationToken cancellationToken)
        {
            var skus = await _source.ListSkusAsync(cancellationToken);
            var loads = skus.Select(sku => ReloadAsync(sku, cancellationToken)).ToList(); // expect BND1002
            await Task.WhenAll(loads);
            _logger.LogInformation("Warmed {Count} products", _entries.Count);
        }

        // Not reported: warm-up of the top sixteen products, a constant bound.
        public async Task WarmUpTopAsync(IReadOnlyList<string> ranked, CancellationToken cancellationToken)
        {
            var loads = new List<Task>();
            for (var i = 0; i < 16 && i < ranked.Count; i++)
            {
                var sku = ranked[i];
                loads.Add(Task.Run(() => ReloadAsync(sku, cancellationToken), cancellationToken));
            }

            await Task.WhenAll(loads);
        }

        // Not reported: warm-up gated by a local semaphore taken before each load.
        public async Task WarmUpThrottledAsync(CancellationToken cancellationToken)
        {
            var skus = await _source.ListSkusAsync(cancellationToken);
            using var gate = new SemaphoreSlim(8);
            var loads = skus.Select(async sku =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    await ReloadAsync(sku, cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            await Task.WhenAll(loads);
        }

        // Positive: the gate is released only when the load succeeds.
        public async Task ReloadGatedAsync(string sku, SemaphoreSlim gate, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken); // BND1004 only with bounded.report_exception_paths = true: the release is skipped only when a call throws
            await ReloadAsync(sku, cancellationToken);
            gate.Release();
        }

        public void Invalidate(string sku) => _entries.TryRemove(sku, out _);

        internal IEnumerable<KeyValuePair<string, CacheEntry>> Snapshot() => _entries.ToArray();

        internal void Restore(string sku, CacheEntry entry) => _entries[sku] = entry;

        private async Task ReloadAsync(string sku, CancellationToken cancellationToken)
        {
            var product = await _source.LoadAsync(sku, cancellationToken);
            if (product is null)
            {
                _entries.TryRemove(sku, out _);
                return;
            }

            _entries[sku] = new CacheEntry(product, DateTimeOffset.UtcNow + _lifetime);
        }
    }

    /// <summary>Evicts expired entries in the background.</summary>
    public sealed class ExpirySweeper : BackgroundService
    {
        private readonly ProductCache _cache;
        private readonly ILogger<ExpirySweeper> _logger;
        private readonly Channel<string> _invalidations = Channel.CreateBounded<string>(1024);

        public ExpirySweeper(ProductCache cache, ILogger<ExpirySweeper> logger)
        {
            _cache = cache;
            _logger = logger;
        }

        public bool TryInvalidate(string sku) => _invalidations.Writer.TryWrite(sku);

        // Not reported: the timer loop ends when the stopping token fires.
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
            var invalidations = DrainInvalidationsAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = DateTimeOffset.UtcNow;
                var removed = 0;
                foreach (var (sku, entry) in _cache.Snapshot())
                {
                    if (entry.IsExpired(now))
                    {
                        _cache.Invalidate(sku);
                        removed++;
                    }
                }

                _logger.LogDebug("Swept {Removed} entries", removed);
            }

            await invalidations;
        }

        private async Task DrainInvalidationsAsync(CancellationToken cancellationToken)
        {
            await foreach (var sku in _invalidations.Reader.ReadAllAsync(cancellationToken))
            {
                _cache.Invalidate(sku);
            }
        }
    }

    /// <summary>Saves and loads the cache in a compact binary format.</summary>
    public sealed class CacheSnapshotter
    {
        private const int RecordHeader = 12;

        private readonly ProductCache _cache;

        public CacheSnapshotter(ProductCache cache) => _cache = cache;

        // Not reported: one scratch buffer for the whole snapshot, outside the loop.
        public void Save(Stream output)
        {
            var scratch = new byte[512];
            foreach (var (sku, entry) in _cache.Snapshot())
            {
                var length = WriteRecord(scratch, sku, entry);
                output.Write(scratch, 0, length);
            }
        }

        // Positive: a record buffer per entry.
        public void SaveNaive(Stream output)
        {
            foreach (var (sku, entry) in _cache.Snapshot())
            {
                var record = new byte[512]; // expect BND3001
                var length = WriteRecord(record, sku, entry);
                output.Write(record, 0, length);
            }
        }

        // Positive: a do/while over the input allocates each record anew.
        public int Load(Stream input)
        {
            var loaded = 0;
            var header = new byte[RecordHeader];
            do
            {
                if (input.Read(header, 0, RecordHeader) < RecordHeader)
                {
                    break;
                }

                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                var body = new byte[Math.Max(length, 256)]; // expect BND3001
                input.ReadExactly(body, 0, length);
                var sku = Encoding.UTF8.GetString(body, 0, length);
                var price = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(4)) / 100m;
                _cache.Restore(sku, new CacheEntry(new Product(sku, sku, price, DateTimeOffset.UtcNow), DateTimeOffset.UtcNow.AddMinutes(5)));
                loaded++;
            }
            while (true);

            return loaded;
        }

        // Not reported: a pooled record buffer, rented per entry and returned in finally.
        public void SavePooled(Stream output)
        {
            foreach (var (sku, entry) in _cache.Snapshot())
            {
                var size = RecordHeader + Encoding.UTF8.GetMaxByteCount(sku.Length);
                var record = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    var length = WriteRecord(record, sku, entry);
                    output.Write(record, 0, length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(record);
                }
            }
        }

        // Positive: rented per entry but the Return is skipped when Write throws.
        public void SavePooledCarelessly(Stream output)
        {
            foreach (var (sku, entry) in _cache.Snapshot())
            {
                var record = ArrayPool<byte>.Shared.Rent(RecordHeader + Encoding.UTF8.GetMaxByteCount(sku.Length)); // BND3003 only with bounded.report_exception_paths = true: the return is skipped only when a call throws
                var length = WriteRecord(record, sku, entry);
                output.Write(record, 0, length);
                ArrayPool<byte>.Shared.Return(record);
            }
        }

        // Not reported: a local pool created for the snapshot, with the same discipline.
        public void SaveWithLocalPool(Stream output)
        {
            var pool = ArrayPool<byte>.Create(4096, 4);
            var record = pool.Rent(4096);
            try
            {
                foreach (var (sku, entry) in _cache.Snapshot())
                {
                    var length = WriteRecord(record, sku, entry);
                    output.Write(record, 0, length);
                }
            }
            finally
            {
                pool.Return(record);
            }
        }

        // Not reported: a static lookup table built once.
        private static readonly byte[] Crc8Table = BuildCrcTable();

        private static byte[] BuildCrcTable()
        {
            var table = new byte[256];
            for (var i = 0; i < 256; i++)
            {
                var crc = (byte)i;
                for (var bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x07) : (byte)(crc << 1);
                }

                table[i] = crc;
            }

            return table;
        }

        public static byte Crc8(ReadOnlySpan<byte> data)
        {
            byte crc = 0;
            foreach (var b in data)
            {
                crc = Crc8Table[crc ^ b];
            }

            return crc;
        }

        private static int WriteRecord(byte[] target, string sku, CacheEntry entry)
        {
            var length = Encoding.UTF8.GetBytes(sku, 0, sku.Length, target, RecordHeader);
            BinaryPrimitives.WriteInt32LittleEndian(target, length);
            BinaryPrimitives.WriteInt64LittleEndian(target.AsSpan(4), (long)(entry.Product.Price * 100));
            return RecordHeader + length;
        }
    }

    /// <summary>Cache statistics, rendered on a hot path.</summary>
    public sealed class CacheStatistics
    {
        private long _hits;
        private long _misses;

        public void Hit() => Interlocked.Increment(ref _hits);

        public void Miss() => Interlocked.Increment(ref _misses);

        // Positive: a hot-path member with a per-call buffer.
        [HotPath]
        public string Render()
        {
            var buffer = new byte[64]; // expect BND3001
            var length = Encoding.ASCII.GetBytes($"{Interlocked.Read(ref _hits)}/{Interlocked.Read(ref _misses)}", buffer);
            return Encoding.ASCII.GetString(buffer, 0, length);
        }

        // Not reported: the same rendering with a stack buffer.
        [HotPath]
        public string RenderOnStack()
        {
            Span<byte> buffer = stackalloc byte[64];
            var length = Encoding.ASCII.GetBytes($"{Interlocked.Read(ref _hits)}/{Interlocked.Read(ref _misses)}", buffer);
            return Encoding.ASCII.GetString(buffer.Slice(0, length));
        }

        // Not reported: a thread per subscriber the cache registered itself (callbacks it owns, not input items).
        private readonly List<Action<long, long>> _subscribers = new();

        public void Subscribe(Action<long, long> subscriber) => _subscribers.Add(subscriber);

        public void Publish()
        {
            foreach (var subscriber in _subscribers)
            {
                var thread = new Thread(() => subscriber(Interlocked.Read(ref _hits), Interlocked.Read(ref _misses)));
                thread.Start();
            }
        }

        // Positive: a reporting thread per sampled key (an OS thread each, as many as there are keys).
        public void Report(IEnumerable<string> keys, Action<string, long> report)
        {
            foreach (var key in keys)
            {
                var thread = new Thread(() => report(key, Interlocked.Read(ref _hits))); // expect BND1003
                thread.Start();
            }
        }

        // Not reported: one thread per processor.
        public void PublishOnPool(BlockingCollection<Action<long, long>> subscribers)
        {
            for (var i = 0; i < Environment.ProcessorCount; i++)
            {
                var thread = new Thread(() =>
                {
                    foreach (var subscriber in subscribers.GetConsumingEnumerable())
                    {
                        subscriber(Interlocked.Read(ref _hits), Interlocked.Read(ref _misses));
                    }
                });
                thread.Start();
            }
        }
    }
}
