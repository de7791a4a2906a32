using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Bounded.Bench;

/// <summary>One generated or loaded source file.</summary>
public readonly record struct CorpusFile(string Path, string Text);

/// <summary>
/// A deterministic generator of realistic-looking service code: HTTP calls, stream copies, LINQ reports, channels,
/// semaphores, retries, serializers. Most members are the correct, bounded shapes; a small share
/// (<see cref="AntiPatternRate"/>) are the shapes each Bounded rule family reports, so every analyzer has work to do.
/// The same seed and line count always give the same text, and the text compiles without errors against net10.0.
/// </summary>
public static class CorpusGenerator
{
    /// <summary>The share of members that are anti-patterns (about one in twenty-five).</summary>
    public const double AntiPatternRate = 0.04;

    private static readonly string[] Nouns =
    {
        "Order", "Invoice", "Shipment", "Customer", "Payment", "Ticket", "Report", "Message", "Upload", "Session",
        "Booking", "Refund", "Product", "Account", "Event", "Document", "Backup", "Metric", "Alert", "Job",
    };

    private static readonly string[] Areas =
    {
        "Billing", "Catalog", "Shipping", "Identity", "Search", "Storage", "Notifications", "Reporting", "Ingestion", "Sync",
    };

    private delegate void Member(StringBuilder code, Names names, Random random);

    /// <summary>Correct code: what most of a real code base looks like.</summary>
    private static readonly Member[] Correct =
    {
        ThrottledFetch, PooledCopy, LinqSummary, ChannelDrain, ParallelWithLimit, Format, WorkerPool, CountMatches,
        Retry, Checksum, Validate, Poll, FixedPair, LinkedTimeout, Serialize, GetOrAdd, Classify, Batch,
    };

    /// <summary>One shape per rule family (BND1xxx, BND2xxx, BND3xxx, BND4xxx) and rule.</summary>
    private static readonly Member[] AntiPatterns =
    {
        TaskRunPerItem, FanOut, ThreadPerItem, FireAndForget, EndlessLoop, UndisposedLinkedSource, BufferPerIteration,
        RentedLength, ReturnNotInFinally, WaitInsideTry, UnboundedChannel, UnlimitedParallelism,
    };

    /// <summary>Files of about <paramref name="linesPerFile"/> lines until at least <paramref name="totalLines"/> lines exist.</summary>
    public static List<CorpusFile> Generate(int totalLines, int seed = 20261129, int linesPerFile = 600)
    {
        var random = new Random(seed);
        var files = new List<CorpusFile>();
        var lines = 0;
        for (var fileIndex = 0; lines < totalLines; fileIndex++)
        {
            var text = GenerateFile(fileIndex, random, Math.Min(linesPerFile, Math.Max(80, totalLines - lines)));
            files.Add(new CorpusFile($"Generated/{Areas[fileIndex % Areas.Length]}/File{fileIndex:D5}.cs", text));
            lines += CountLines(text);
        }

        return files;
    }

    public static int CountLines(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                count++;
            }
        }

        return text.Length > 0 && text[text.Length - 1] != '\n' ? count + 1 : count;
    }

    private static string GenerateFile(int fileIndex, Random random, int targetLines)
    {
        var code = new StringBuilder(targetLines * 48);
        code.Append(@"using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

");
        var area = Areas[fileIndex % Areas.Length];
        code.Append("namespace Corpus.").Append(area).Append(".Part").Append(fileIndex.ToString(CultureInfo.InvariantCulture)).Append(";\n\n");

        var noun = Nouns[random.Next(Nouns.Length)];
        var record = noun + fileIndex.ToString(CultureInfo.InvariantCulture);
        code.Append("/// <summary>A ").Append(noun.ToLowerInvariant()).Append(" as the ").Append(area).Append(" service sees it.</summary>\n");
        code.Append("public sealed record ").Append(record).Append("(int Id, string Name, decimal Amount, DateTimeOffset CreatedAt);\n\n");

        var classIndex = 0;
        while (CountLines(code.ToString()) < targetLines - 40)
        {
            var names = new Names(record, noun + "Service" + fileIndex.ToString(CultureInfo.InvariantCulture) + "_" + classIndex.ToString(CultureInfo.InvariantCulture));
            AppendClass(code, names, random, Math.Min(targetLines - CountLines(code.ToString()), 320));
            classIndex++;
        }

        return code.ToString();
    }

    private static void AppendClass(StringBuilder code, Names names, Random random, int targetLines)
    {
        var start = CountLines(code.ToString());
        code.Append("public sealed class ").Append(names.Class).Append(@" : IDisposable
{
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _throttle = new(").Append(2 + random.Next(14)).Append(@");
    private readonly ConcurrentDictionary<int, ").Append(names.Record).Append(@"> _cache = new();
    private readonly object _gate = new();
    private long _processed;

    public ").Append(names.Class).Append(@"(HttpClient http)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
    }

    public long Processed => Interlocked.Read(ref _processed);

    public int Cached => _cache.Count;

    public void Dispose() => _throttle.Dispose();
");
        var body = new StringBuilder();
        while (CountLines(code.ToString()) + CountLines(body.ToString()) < start + targetLines - 2)
        {
            var member = random.NextDouble() < AntiPatternRate
                ? AntiPatterns[random.Next(AntiPatterns.Length)]
                : Correct[random.Next(Correct.Length)];
            body.Append('\n');
            member(body, names, random);
            names.Next();
        }

        code.Append(body).Append("}\n\n");
    }

    /// <summary>Names used inside one class; <see cref="Suffix"/> keeps member names unique.</summary>
    private sealed class Names
    {
        public Names(string record, string className)
        {
            Record = record;
            Class = className;
        }

        public string Record { get; }

        public string Class { get; }

        public int Suffix { get; private set; }

        public string S => Suffix.ToString(CultureInfo.InvariantCulture);

        public void Next() => Suffix++;
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    // ---- Correct shapes ------------------------------------------------------------------------------------

    private static void ThrottledFetch(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task<IReadOnlyList<string>> FetchPages").Append(n.S).Append(@"Async(IEnumerable<Uri> uris, CancellationToken cancellationToken)
    {
        var results = new List<string>();
        foreach (var uri in uris)
        {
            await _throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var response = await _http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                results.Add(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                _throttle.Release();
            }
        }

        return results;
    }
");

    private static void PooledCopy(StringBuilder c, Names n, Random r)
    {
        var size = N(4096 << r.Next(5));
        c.Append(@"    public async Task<long> Copy").Append(n.S).Append(@"Async(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(").Append(size).Append(@");
        long total = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ").Append(size).Append(@"), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                total += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return total;
    }
");
    }

    private static void LinqSummary(StringBuilder c, Names n, Random r) => c.Append(@"    public IReadOnlyDictionary<string, decimal> Summarize").Append(n.S).Append(@"(IEnumerable<").Append(n.Record).Append(@"> items, decimal threshold)
    {
        return items
            .Where(item => item.Amount >= threshold && !string.IsNullOrEmpty(item.Name))
            .GroupBy(item => item.Name.ToUpperInvariant())
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Sum(item => item.Amount) * ").Append(N(1 + r.Next(9))).Append(@"m);
    }
");

    private static void ChannelDrain(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task<int> Drain").Append(n.S).Append(@"Async(ChannelReader<").Append(n.Record).Append(@"> reader, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var item in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Amount <= ").Append(N(r.Next(100))).Append(@"m)
            {
                continue;
            }

            _cache[item.Id] = item;
            Interlocked.Increment(ref _processed);
            count++;
        }

        return count;
    }
");

    private static void ParallelWithLimit(StringBuilder c, Names n, Random r) => c.Append(@"    public Task Process").Append(n.S).Append(@"Async(IEnumerable<").Append(n.Record).Append(@"> items, CancellationToken cancellationToken)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        return Parallel.ForEachAsync(items, options, async (item, token) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(item.Id % ").Append(N(3 + r.Next(20))).Append(@"), token).ConfigureAwait(false);
            _cache[item.Id] = item;
        });
    }
");

    private static void Format(StringBuilder c, Names n, Random r) => c.Append(@"    public string Format").Append(n.S).Append(@"(IReadOnlyList<").Append(n.Record).Append(@"> items)
    {
        var builder = new StringBuilder(items.Count * ").Append(N(16 + r.Next(48))).Append(@");
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (i > 0)
            {
                builder.Append("", "");
            }

            builder.Append(item.Id.ToString(CultureInfo.InvariantCulture)).Append(':').Append(item.Name);
            switch (item.Amount)
            {
                case > ").Append(N(500 + r.Next(5000))).Append(@"m:
                    builder.Append("" (large)"");
                    break;
                case < 0m:
                    builder.Append("" (refund)"");
                    break;
            }
        }

        return builder.ToString();
    }
");

    private static void WorkerPool(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task RunWorkers").Append(n.S).Append(@"Async(IEnumerable<").Append(n.Record).Append(@"> items, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<").Append(n.Record).Append(@">(new BoundedChannelOptions(").Append(N(64 << r.Next(4))).Append(@") { FullMode = BoundedChannelFullMode.Wait });
        var workerCount = Math.Max(2, Environment.ProcessorCount);
        var workers = new List<Task>(workerCount);
        for (var i = 0; i < workerCount; i++)
        {
            workers.Add(Task.Run(async () =>
            {
                await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    _cache.TryAdd(item.Id, item);
                }
            }, cancellationToken));
        }

        foreach (var item in items)
        {
            await channel.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }

        channel.Writer.Complete();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }
");

    private static void CountMatches(StringBuilder c, Names n, Random r) => c.Append(@"    public static async Task<int> CountMatches").Append(n.S).Append(@"Async(string path, string needle, CancellationToken cancellationToken)
    {
        var matches = 0;
        using var reader = new StreamReader(path);
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            if (line.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                matches++;
            }
        }

        return matches;
    }
");

    private static void Retry(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task<string> GetWithRetry").Append(n.S).Append(@"Async(Uri uri, int attempts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _http.GetStringAsync(uri, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (attempt < attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(").Append(N(50 + r.Next(200))).Append(@" * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }
");

    private static void Checksum(StringBuilder c, Names n, Random r) => c.Append(@"    public static int Checksum").Append(n.S).Append(@"(ReadOnlySpan<byte> data)
    {
        Span<byte> block = stackalloc byte[").Append(N(16 << r.Next(3))).Append(@"];
        var hash = ").Append(N(17 + r.Next(1000))).Append(@";
        while (data.Length > 0)
        {
            var take = Math.Min(block.Length, data.Length);
            data.Slice(0, take).CopyTo(block);
            foreach (var value in block.Slice(0, take))
            {
                hash = unchecked(hash * 31 + value);
            }

            data = data.Slice(take);
        }

        return hash;
    }
");

    private static void Validate(StringBuilder c, Names n, Random r) => c.Append(@"    public static bool TryValidate").Append(n.S).Append(@"(").Append(n.Record).Append(@"? item, out string? error)
    {
        if (item is null)
        {
            error = ""missing"";
            return false;
        }

        if (item.Amount < 0m || item.Amount > ").Append(N(10000 + r.Next(90000))).Append(@"m)
        {
            error = $""amount {item.Amount} out of range for {item.Id}"";
            return false;
        }

        if (string.IsNullOrWhiteSpace(item.Name) || item.CreatedAt > DateTimeOffset.UtcNow)
        {
            error = ""name and date are required"";
            return false;
        }

        error = null;
        return true;
    }
");

    private static void Poll(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task Poll").Append(n.S).Append(@"Async(Uri uri, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var body = await _http.GetStringAsync(uri, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _processed, body.Length);
            await Task.Delay(TimeSpan.FromSeconds(").Append(N(1 + r.Next(30))).Append(@"), cancellationToken).ConfigureAwait(false);
        }
    }
");

    private static void FixedPair(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task<(string First, string Second)> Both").Append(n.S).Append(@"Async(Uri first, Uri second, CancellationToken cancellationToken)
    {
        var a = _http.GetStringAsync(first, cancellationToken);
        var b = _http.GetStringAsync(second, cancellationToken);
        await Task.WhenAll(a, b).ConfigureAwait(false);
        return (await a.ConfigureAwait(false), await b.ConfigureAwait(false));
    }
");

    private static void LinkedTimeout(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task<string> GetWithTimeout").Append(n.S).Append(@"Async(Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(").Append(N(5 + r.Next(55))).Append(@"));
        return await _http.GetStringAsync(uri, timeout.Token).ConfigureAwait(false);
    }
");

    private static void Serialize(StringBuilder c, Names n, Random r) => c.Append(@"    public static byte[] Serialize").Append(n.S).Append(@"(IEnumerable<").Append(n.Record).Append(@"> items)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var item in items)
            {
                writer.Write(item.Id);
                writer.Write(item.Name);
                writer.Write(item.Amount);
                writer.Write(item.CreatedAt.ToUnixTimeMilliseconds());
            }
        }

        return stream.ToArray();
    }
");

    private static void GetOrAdd(StringBuilder c, Names n, Random r) => c.Append(@"    public ").Append(n.Record).Append(@" GetOrAdd").Append(n.S).Append(@"(int id, Func<int, ").Append(n.Record).Append(@"> factory)
    {
        lock (_gate)
        {
            if (!_cache.TryGetValue(id, out var existing))
            {
                existing = factory(id);
                _cache[id] = existing;
            }

            return existing;
        }
    }
");

    private static void Classify(StringBuilder c, Names n, Random r)
    {
        var small = N(50 + r.Next(200));
        c.Append(@"    public static string Classify").Append(n.S).Append(@"(").Append(n.Record).Append(@" item) => item switch
    {
        { Amount: < 0m } => ""refund"",
        { Amount: 0m } => ""free"",
        { Amount: < ").Append(small).Append(@"m, Name.Length: > 10 } => ""small-long"",
        { Amount: < ").Append(small).Append(@"m } => ""small"",
        _ => ""large"",
    };
");
    }

    private static void Batch(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task<int> SendBatches").Append(n.S).Append(@"Async(IReadOnlyList<").Append(n.Record).Append(@"> items, Uri endpoint, CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var chunk in items.Chunk(").Append(N(10 + r.Next(90))).Append(@"))
        {
            var payload = string.Join(""\n"", chunk.Select(item => $""{item.Id};{item.Name};{item.Amount.ToString(CultureInfo.InvariantCulture)}""));
            using var content = new StringContent(payload, Encoding.UTF8, ""text/csv"");
            using var response = await _http.PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            sent += chunk.Length;
        }

        return sent;
    }
");

    // ---- Anti-patterns (one per rule) ------------------------------------------------------------------------

    // BND1001
    private static void TaskRunPerItem(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task Notify").Append(n.S).Append(@"Async(IEnumerable<").Append(n.Record).Append(@"> items)
    {
        var tasks = new List<Task>();
        foreach (var item in items)
        {
            tasks.Add(Task.Run(() => _cache.TryAdd(item.Id, item)));
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }
");

    // BND1002
    private static void FanOut(StringBuilder c, Names n, Random r) => c.Append(@"    public Task<string[]> FetchAll").Append(n.S).Append(@"Async(IEnumerable<Uri> uris, CancellationToken cancellationToken)
    {
        return Task.WhenAll(uris.Select(uri => _http.GetStringAsync(uri, cancellationToken)));
    }
");

    // BND1003
    private static void ThreadPerItem(StringBuilder c, Names n, Random r) => c.Append(@"    public void Import").Append(n.S).Append(@"(IEnumerable<").Append(n.Record).Append(@"> items)
    {
        foreach (var item in items)
        {
            var thread = new Thread(() => _cache.TryAdd(item.Id, item));
            thread.Start();
        }
    }
");

    // BND2001
    private static void FireAndForget(StringBuilder c, Names n, Random r) => c.Append(@"    public void Warm").Append(n.S).Append(@"(Uri uri)
    {
        _ = Task.Run(() => _http.GetStringAsync(uri));
    }
");

    // BND2002
    private static void EndlessLoop(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task Heartbeat").Append(n.S).Append(@"Async(Uri uri)
    {
        while (true)
        {
            await Task.Delay(").Append(N(1000 * (1 + r.Next(10)))).Append(@").ConfigureAwait(false);
            using var response = await _http.GetAsync(uri).ConfigureAwait(false);
            Interlocked.Increment(ref _processed);
        }
    }
");

    // BND2003
    private static void UndisposedLinkedSource(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task<string> GetLinked").Append(n.S).Append(@"Async(Uri uri, CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(").Append(N(1000 + r.Next(9000))).Append(@");
        return await _http.GetStringAsync(uri, linked.Token).ConfigureAwait(false);
    }
");

    // BND3001
    private static void BufferPerIteration(StringBuilder c, Names n, Random r) => c.Append(@"    public static async Task<long> Hash").Append(n.S).Append(@"Async(IEnumerable<Stream> streams, CancellationToken cancellationToken)
    {
        long hash = 0;
        foreach (var stream in streams)
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    hash = unchecked(hash * 31 + buffer[i]);
                }
            }
        }

        return hash;
    }
");

    // BND3002
    private static void RentedLength(StringBuilder c, Names n, Random r) => c.Append(@"    public static string Encode").Append(n.S).Append(@"(Stream stream, int size)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            stream.ReadExactly(buffer, 0, size);
            return Convert.ToBase64String(buffer, 0, buffer.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
");

    // BND3003
    private static void ReturnNotInFinally(StringBuilder c, Names n, Random r) => c.Append(@"    public static async Task Forward").Append(n.S).Append(@"Async(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(").Append(N(8192 << r.Next(3))).Append(@");
        var read = await source.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(buffer);
    }
");

    // BND1004
    private static void WaitInsideTry(StringBuilder c, Names n, Random r) => c.Append(@"    public async Task<string> Guarded").Append(n.S).Append(@"Async(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            await _throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            return await _http.GetStringAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _throttle.Release();
        }
    }
");

    // BND4001
    private static void UnboundedChannel(StringBuilder c, Names n, Random r) => c.Append(@"    public ChannelWriter<").Append(n.Record).Append(@"> StartPipeline").Append(n.S).Append(@"(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<").Append(n.Record).Append(@">();
        _ = Task.Run(async () =>
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                _cache[item.Id] = item;
            }
        }, cancellationToken);
        return channel.Writer;
    }
");

    // BND4002
    private static void UnlimitedParallelism(StringBuilder c, Names n, Random r) => c.Append(@"    public void Reindex").Append(n.S).Append(@"(IEnumerable<").Append(n.Record).Append(@"> items)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = -1 };
        Parallel.ForEach(items, options, item => _cache[item.Id] = item);
    }
");
}
