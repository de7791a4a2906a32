// One site per fixable rule (all twelve), written to compile for netstandard2.0 (C# 7.3) and net10.0. Shared by the
// linked-document unit tests and the multi-target end-to-end test.
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Shared
{
    public sealed class Sites
    {
        private readonly HttpClient _http = new HttpClient();
        private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);

        public async Task<string[]> FetchAllAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
        {
            var tasks = new List<Task<string>>();
            foreach (var url in urls)
            {
                tasks.Add(Task.Run(() => _http.GetStringAsync(url), cancellationToken));
            }

            return await Task.WhenAll(tasks);
        }

        public async Task FetchEachAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
        {
            var tasks = new List<Task>();
            foreach (var url in urls)
            {
                tasks.Add(Task.Run(() => Log(url), cancellationToken));
            }

            await Task.WhenAll(tasks);
        }

        public void NotifyAll(IEnumerable<string> urls)
        {
            foreach (var url in urls)
            {
                Task.Run(() => _http.GetStringAsync(url));
            }
        }

        public Task<string[]> PagesAsync(IEnumerable<string> urls) =>
            Task.WhenAll(urls.Select(url => _http.GetStringAsync(url)));

        public async Task PollAsync(string url, CancellationToken cancellationToken)
        {
            while (true)
            {
                Log(await _http.GetStringAsync(url));
                await Task.Delay(1000);
            }
        }

        public void Watch(string url, CancellationToken cancellationToken)
        {
            Task.Run(async () =>
            {
                while (true)
                {
                    Log(await _http.GetStringAsync(url));
                    await Task.Delay(1000);
                }
            });
        }

        public async Task<string> TimedAsync(string url)
        {
            var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return (await _http.GetAsync(url, timeout.Token)).ReasonPhrase;
        }

        public static long Copy(Stream source, Stream destination)
        {
            long total = 0;
            while (true)
            {
                var buffer = new byte[81920];
                var read = source.Read(buffer, 0, buffer.Length);
                if (read == 0)
                {
                    break;
                }

                destination.Write(buffer, 0, read);
                total += read;
            }

            return total;
        }

        public static void WriteHeaders(Stream output, int[] lengths)
        {
            foreach (var length in lengths)
            {
                var header = new byte[4096];
                header[0] = (byte)length;
                output.Write(header, 0, header.Length);
            }
        }

        public void IndexAll(IEnumerable<string> paths)
        {
            var threads = new List<Thread>();
            foreach (var path in paths)
            {
                var thread = new Thread(() => Log(path));
                thread.Start();
                threads.Add(thread);
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }
        }

        public async Task<string> GatedAsync(string url, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            var page = await _http.GetStringAsync(url);
            _gate.Release();
            return page;
        }

        public static string Fingerprint(Stream stream, int size)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                stream.Read(buffer, 0, size);
                return Convert.ToBase64String(buffer);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public static int CountBytes(Stream stream)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1024);
            var read = stream.Read(buffer, 0, 1024);
            ArrayPool<byte>.Shared.Return(buffer);
            return read;
        }

        public static void TouchAll(IEnumerable<string> paths)
        {
            Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = -1 }, path => File.SetLastWriteTimeUtc(path, DateTime.UtcNow));
        }

        // BND4002, an async body: not rewritten, because netstandard2.0 has no Parallel.ForEachAsync.
        public async Task TouchAllAsync(IEnumerable<string> paths)
        {
            Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async path => await Task.Delay(path.Length));
            await Task.Yield();
        }

        public void Enqueue(string line) => _lines.Add(line);

        public string Take() => _lines.Take();

        private static void Log(string text)
        {
        }
    }
}
