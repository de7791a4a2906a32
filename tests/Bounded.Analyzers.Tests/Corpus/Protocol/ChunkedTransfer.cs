// Sends a file in 32 KB chunks over a channel session. The transfer loop hands each chunk to a small threading helper
// that queues a thread-pool work item per call, so a large file queues one work item (and one chunk copy) per 32 KB,
// all at once.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Corpus.Protocol.Transfer
{
    internal static class Background
    {
        internal static void Execute(Action action)
        {
            ThreadPool.QueueUserWorkItem(_ => action());
        }

        // Not a wrapper: it starts the drainer only when none is running.
        internal static void EnsureRunning(ref int running, Action drain)
        {
            if (Interlocked.CompareExchange(ref running, 1, 0) == 0)
            {
                ThreadPool.QueueUserWorkItem(_ => drain());
            }
        }
    }

    public interface IChannelSession
    {
        void SendData(ReadOnlySpan<byte> data);
    }

    public sealed class ChunkedUploader
    {
        private const int ChunkSize = 32 * 1024;
        private readonly IChannelSession _session;
        private readonly ILogger<ChunkedUploader> _logger;
        private readonly Queue<byte[]> _pending = new();
        private int _draining;

        public ChunkedUploader(IChannelSession session, ILogger<ChunkedUploader> logger)
        {
            _session = session;
            _logger = logger;
        }

        public void Upload(Stream source)
        {
            var buffer = new byte[ChunkSize];
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                var chunk = buffer.AsSpan(0, read).ToArray();
                Background.Execute(() => _session.SendData(chunk)); // expect BND1001
            }

            _logger.LogDebug("Upload queued");
        }

        // Not reported: one drainer at a time sends the chunks in order.
        public void UploadInOrder(Stream source)
        {
            var buffer = new byte[ChunkSize];
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_pending)
                {
                    _pending.Enqueue(buffer.AsSpan(0, read).ToArray());
                }

                Background.EnsureRunning(ref _draining, Drain);
            }
        }

        private void Drain()
        {
            while (true)
            {
                byte[] chunk;
                lock (_pending)
                {
                    if (_pending.Count == 0)
                    {
                        Volatile.Write(ref _draining, 0);
                        return;
                    }

                    chunk = _pending.Dequeue();
                }

                _session.SendData(chunk);
            }
        }
    }
}
