// A file ingestion pipeline: a directory watcher feeds files through parsing, hashing, compression and
// storage stages built on channels, dataflow blocks and pooled buffers.
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using System.Threading.Tasks.Dataflow;
using Corpus.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Corpus.Ingestion
{
    public sealed record IngestedFile(string Path, long Length, string Sha256);

    public sealed record Chunk(string Path, int Index, byte[] Data, int Length);

    public interface IBlobStore
    {
        Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

        Task PutAsync(string key, Stream data, CancellationToken cancellationToken = default);
    }

    public sealed class IngestionOptions
    {
        public string InputDirectory { get; set; } = "inbox";

        public int ChunkSize { get; set; } = 64 * 1024;

        public int Workers { get; set; } = 4;
    }

    /// <summary>Reads files in chunks and stores them.</summary>
    public sealed class ChunkedUploader
    {
        private readonly IBlobStore _store;
        private readonly IngestionOptions _options;
        private readonly ILogger _logger;

        public ChunkedUploader(IBlobStore store, IngestionOptions options, ILogger logger)
        {
            _store = store;
            _options = options;
            _logger = logger;
        }

        // Positive: a new chunk buffer for every chunk of every file.
        public async Task UploadAsync(string path, CancellationToken cancellationToken)
        {
            await using var input = File.OpenRead(path);
            var index = 0;
            while (input.Position < input.Length)
            {
                var buffer = new byte[_options.ChunkSize]; // expect BND3001
                var read = await input.ReadAsync(buffer.AsMemory(0, buffer.Length), cancellationToken);
                await _store.PutAsync($"{path}/{index++}", buffer.AsMemory(0, read), cancellationToken);
            }
        }

        // Not reported: rented once, returned in finally, and only the bytes read are used.
        public async Task UploadPooledAsync(string path, CancellationToken cancellationToken)
        {
            var size = _options.ChunkSize;
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                await using var input = File.OpenRead(path);
                var index = 0;
                int read;
                while ((read = await input.ReadAsync(buffer.AsMemory(0, size), cancellationToken)) > 0)
                {
                    await _store.PutAsync($"{path}/{index++}", buffer.AsMemory(0, read), cancellationToken);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Positive: the rented array is longer than asked for; its Length is not the data length.
        public async Task UploadPooledWholeAsync(string path, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(_options.ChunkSize);
            try
            {
                await using var input = File.OpenRead(path);
                var index = 0;
                while (await input.ReadAsync(buffer.AsMemory(0, _options.ChunkSize), cancellationToken) > 0)
                {
                    await _store.PutAsync($"{path}/{index++}", buffer.AsMemory(0, buffer.Length), cancellationToken); // expect BND3002
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Positive: the Return is skipped when the store throws.
        public async Task UploadFirstChunkAsync(string path, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(4096); // BND3003 only with bounded.report_exception_paths = true: the return is skipped only when a call throws
            await using var input = File.OpenRead(path);
            var read = await input.ReadAsync(buffer.AsMemory(0, 4096), cancellationToken);
            await _store.PutAsync(path + "/head", buffer.AsMemory(0, read), cancellationToken);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Not reported: every part is a new array on purpose (the chunks outlive the loop).
        public async Task<List<Chunk>> SplitAsync(string path, CancellationToken cancellationToken)
        {
            var chunks = new List<Chunk>();
            await using var input = File.OpenRead(path);
            var index = 0;
            while (true)
            {
                var data = new byte[_options.ChunkSize];
                var read = await input.ReadAtLeastAsync(data, data.Length, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                chunks.Add(new Chunk(path, index++, data, read));
            }

            return chunks;
        }
    }

    /// <summary>Hashing of ingested files.</summary>
    public static class FileHasher
    {
        private static readonly byte[] Salt = Encoding.ASCII.GetBytes("corpus-salt");

        // Not reported: the buffer is hoisted; the hash sees only the bytes read.
        public static string Sha256(Stream input)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(Salt);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                sha.AppendData(buffer, 0, read);
            }

            return Convert.ToHexString(sha.GetHashAndReset());
        }

        // Positive: hashing the whole rented array (garbage past the bytes that were read).
        public static string Sha256Pooled(Stream input, int length)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                input.ReadExactly(buffer, 0, length);
                return Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, buffer.Length))); // expect BND3002
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Not reported: the requested length is used, not the array's.
        public static string Sha256PooledCorrect(Stream input, int length)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                input.ReadExactly(buffer, 0, length);
                return Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, length)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Positive: the array is read after it went back to the pool.
        public static byte FirstByteAfterReturn(Stream input)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(256); // BND3003 only with bounded.report_exception_paths = true: the return is skipped only when a call throws
            var read = input.Read(buffer, 0, 256);
            ArrayPool<byte>.Shared.Return(buffer);
            return read > 0 ? buffer[0] : (byte)0; // expect BND3004
        }

        // Positive: returned twice on the error path.
        public static int CountNewLines(Stream input)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1024); // BND3003 only with bounded.report_exception_paths = true: the return is skipped only when a call throws
            var count = 0;
            int read;
            while ((read = input.Read(buffer, 0, 1024)) > 0)
            {
                if (read < 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                count += buffer.AsSpan(0, read).Count((byte)'\n');
            }

            ArrayPool<byte>.Shared.Return(buffer); // expect BND3004
            return count;
        }

        // Not reported: a static buffer reused by a single-threaded caller is not an allocation.
        public static int Checksum(ReadOnlySpan<byte> data)
        {
            var sum = 0;
            foreach (var b in data)
            {
                sum = unchecked((sum * 33) ^ b);
            }

            return sum;
        }
    }

    /// <summary>A dataflow pipeline: read, hash, compress, store.</summary>
    public sealed class DataflowIngestion
    {
        private readonly IBlobStore _store;
        private readonly ILogger _logger;

        public DataflowIngestion(IBlobStore store, ILogger logger)
        {
            _store = store;
            _logger = logger;
        }

        // Positive: every block is unbounded, and hashing runs with unlimited parallelism.
        public async Task RunUnboundedAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
        {
            var read = new TransformBlock<string, (string Path, byte[] Data)>(async path => (path, await File.ReadAllBytesAsync(path, cancellationToken))); // expect BND4001
            var hash = new TransformBlock<(string Path, byte[] Data), IngestedFile>( // expect BND4001
                item => new IngestedFile(item.Path, item.Data.Length, Convert.ToHexString(SHA256.HashData(item.Data))),
                new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded }); // expect BND4002
            var store = new ActionBlock<IngestedFile>(file => _logger.LogInformation("Ingested {Path} ({Sha})", file.Path, file.Sha256)); // expect BND4001
            var link = new DataflowLinkOptions { PropagateCompletion = true };
            read.LinkTo(hash, link);
            hash.LinkTo(store, link);
            foreach (var path in paths)
            {
                await read.SendAsync(path, cancellationToken);
            }

            read.Complete();
            await store.Completion;
        }

        // Not reported: every block is bounded and the parallelism is explicit.
        public async Task RunBoundedAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
        {
            var options = new ExecutionDataflowBlockOptions { BoundedCapacity = 32, MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken };
            var read = new TransformBlock<string, (string Path, byte[] Data)>(async path => (path, await File.ReadAllBytesAsync(path, cancellationToken)), options);
            var compress = new TransformBlock<(string Path, byte[] Data), (string Path, byte[] Data)>(item => (item.Path, Compress(item.Data)), options);
            var store = new ActionBlock<(string Path, byte[] Data)>(item => _store.PutAsync(item.Path + ".gz", item.Data, cancellationToken), options);
            var link = new DataflowLinkOptions { PropagateCompletion = true };
            read.LinkTo(compress, link);
            compress.LinkTo(store, link);
            foreach (var path in paths)
            {
                await read.SendAsync(path, cancellationToken);
            }

            read.Complete();
            await store.Completion;
        }

        // Positive: a buffer block without a capacity in front of the pipeline.
        public BufferBlock<string> CreateInbox() => new BufferBlock<string>(); // expect BND4001

        // Not reported: the inbox is bounded.
        public BufferBlock<string> CreateBoundedInbox() => new BufferBlock<string>(new DataflowBlockOptions { BoundedCapacity = 256 });

        private static byte[] Compress(byte[] data)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(data, 0, data.Length);
            }

            return output.ToArray();
        }
    }

    /// <summary>A channel pipeline: a directory scan produces paths, workers hash them.</summary>
    public sealed class ChannelIngestion
    {
        private readonly IngestionOptions _options;
        private readonly ILogger _logger;
        private readonly ConcurrentBag<IngestedFile> _results = new();

        public ChannelIngestion(IngestionOptions options, ILogger logger)
        {
            _options = options;
            _logger = logger;
        }

        public IReadOnlyCollection<IngestedFile> Results => _results;

        // Positive: the directory may hold millions of files, and the channel has no bound.
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var paths = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = true }); // expect BND4001
            var workers = Enumerable.Range(0, _options.Workers).Select(_ => HashWorkerAsync(paths.Reader, cancellationToken)).ToArray();
            foreach (var path in Directory.EnumerateFiles(_options.InputDirectory, "*", SearchOption.AllDirectories))
            {
                await paths.Writer.WriteAsync(path, cancellationToken);
            }

            paths.Writer.Complete();
            await Task.WhenAll(workers);
        }

        // Not reported: a bounded channel; the scan waits when the workers fall behind.
        public async Task RunBoundedAsync(CancellationToken cancellationToken)
        {
            var paths = Channel.CreateBounded<string>(new BoundedChannelOptions(128) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
            var workers = new Task[_options.Workers];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = HashWorkerAsync(paths.Reader, cancellationToken);
            }

            foreach (var path in Directory.EnumerateFiles(_options.InputDirectory))
            {
                await paths.Writer.WriteAsync(path, cancellationToken);
            }

            paths.Writer.Complete();
            await Task.WhenAll(workers);
        }

        // Not reported: three control messages, a provably bounded producer.
        public async Task<List<string>> ControlMessagesAsync(CancellationToken cancellationToken)
        {
            var control = Channel.CreateUnbounded<string>();
            control.Writer.TryWrite("pause");
            control.Writer.TryWrite("flush");
            control.Writer.TryWrite("resume");
            control.Writer.Complete();
            var received = new List<string>();
            await foreach (var message in control.Reader.ReadAllAsync(cancellationToken))
            {
                received.Add(message);
            }

            return received;
        }

        private async Task HashWorkerAsync(ChannelReader<string> reader, CancellationToken cancellationToken)
        {
            await foreach (var path in reader.ReadAllAsync(cancellationToken))
            {
                await using var stream = File.OpenRead(path);
                _results.Add(new IngestedFile(path, stream.Length, FileHasher.Sha256(stream)));
            }
        }
    }

    /// <summary>CSV line parsing, called for every line of every file.</summary>
    public sealed class CsvLineParser
    {
        private readonly char _separator;

        public CsvLineParser(char separator) => _separator = separator;

        // Positive: a hot-path member allocates on every call.
        [HotPath]
        public int CountFields(string line)
        {
            var scratch = new byte[Encoding.UTF8.GetMaxByteCount(line.Length)]; // expect BND3001
            var length = Encoding.UTF8.GetBytes(line, scratch);
            return scratch.AsSpan(0, length).Count((byte)_separator) + 1;
        }

        // Not reported: the same member without the attribute, called once per file.
        public int CountHeaderFields(string header)
        {
            var scratch = new byte[Encoding.UTF8.GetMaxByteCount(header.Length)];
            var length = Encoding.UTF8.GetBytes(header, scratch);
            return scratch.AsSpan(0, length).Count((byte)_separator) + 1;
        }

        // Not reported: a small per-line key buffer (below the loop size threshold).
        public List<string> Keys(IEnumerable<string> lines)
        {
            var keys = new List<string>();
            foreach (var line in lines)
            {
                var key = new byte[16];
                var length = Encoding.ASCII.GetBytes(line.AsSpan(0, Math.Min(16, line.Length)), key);
                keys.Add(Convert.ToHexString(key, 0, length));
            }

            return keys;
        }

        // Not reported: the per-line array is returned to the caller through yield.
        public IEnumerable<byte[]> Encode(IEnumerable<string> lines)
        {
            foreach (var line in lines)
            {
                var encoded = new byte[Encoding.UTF8.GetByteCount(line)];
                Encoding.UTF8.GetBytes(line, encoded);
                yield return encoded;
            }
        }

        // Positive: char buffers are not pooled element types by default, so only the byte buffer is reported.
        public string Normalize(IEnumerable<string> lines)
        {
            var output = new StringBuilder();
            foreach (var line in lines)
            {
                var chars = new char[line.Length];
                var bytes = new byte[4096]; // expect BND3001
                line.CopyTo(0, chars, 0, line.Length);
                var count = Encoding.UTF8.GetBytes(chars, 0, chars.Length, bytes, 0);
                output.Append(Encoding.UTF8.GetString(bytes, 0, count).Trim());
            }

            return output.ToString();
        }
    }

    /// <summary>The directory watcher that kicks off ingestion.</summary>
    public sealed class InboxWatcher
    {
        private readonly ChunkedUploader _uploader;
        private readonly ILogger _logger;

        public InboxWatcher(ChunkedUploader uploader, ILogger logger)
        {
            _uploader = uploader;
            _logger = logger;
        }

        // Positive: one upload per file, all at once, awaited together.
        public async Task IngestAllAsync(string directory, CancellationToken cancellationToken)
        {
            var uploads = new List<Task>();
            foreach (var path in Directory.EnumerateFiles(directory))
            {
                uploads.Add(_uploader.UploadAsync(path, cancellationToken)); // expect BND1002
            }

            await Task.WhenAll(uploads);
        }

        // Not reported: at most four uploads at a time.
        public async Task IngestThrottledAsync(string directory, CancellationToken cancellationToken)
        {
            await Parallel.ForEachAsync(
                Directory.EnumerateFiles(directory),
                new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                async (path, token) => await _uploader.UploadPooledAsync(path, token));
        }

        // Not reported: PLINQ with a constant degree of parallelism.
        public long TotalSize(IEnumerable<string> paths) =>
            paths.AsParallel().WithDegreeOfParallelism(4).Sum(path => new FileInfo(path).Length);

        // Not reported: PLINQ with a degree taken from configuration is a limit the caller chose.
        public long TotalSizeConfigured(IEnumerable<string> paths, int degree) =>
            paths.AsParallel().WithDegreeOfParallelism(degree).Sum(path => new FileInfo(path).Length);
    }
}
