// Renders thumbnails for uploaded files. The author added a SemaphoreSlim to limit the rendering, but releases the
// slot as soon as the render task is started: the gate paces how fast renders start, not how many run.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Corpus.Workers.Thumbnails
{
    public sealed record Upload(Guid Id, string Path, long Length);

    public interface IThumbnailRenderer
    {
        Task RenderAsync(Upload upload, CancellationToken cancellationToken);
    }

    public sealed class ThumbnailQueue
    {
        private readonly SemaphoreSlim _renderGate = new(Environment.ProcessorCount);
        private readonly IThumbnailRenderer _renderer;
        private readonly ILogger<ThumbnailQueue> _logger;

        public ThumbnailQueue(IThumbnailRenderer renderer, ILogger<ThumbnailQueue> logger)
        {
            _renderer = renderer;
            _logger = logger;
        }

        public async Task RenderAllAsync(IReadOnlyList<Upload> uploads, CancellationToken cancellationToken)
        {
            var renders = new List<Task>(uploads.Count);
            foreach (var upload in uploads)
            {
                await _renderGate.WaitAsync(cancellationToken);
                try
                {
                    renders.Add(Task.Run(() => _renderer.RenderAsync(upload, cancellationToken))); // expect BND1001
                }
                finally
                {
                    _renderGate.Release();
                }
            }

            await Task.WhenAll(renders);
            _logger.LogInformation("Rendered {Count} thumbnails", uploads.Count);
        }

        // Not reported: the slot is released by the render itself, so at most ProcessorCount renders run.
        public async Task RenderBoundedAsync(IReadOnlyList<Upload> uploads, CancellationToken cancellationToken)
        {
            var renders = new List<Task>(uploads.Count);
            foreach (var upload in uploads)
            {
                await _renderGate.WaitAsync(cancellationToken);
                renders.Add(Task.Run(async () =>
                {
                    try
                    {
                        await _renderer.RenderAsync(upload, cancellationToken);
                    }
                    finally
                    {
                        _renderGate.Release();
                    }
                }));
            }

            await Task.WhenAll(renders);
        }

        public void PurgeStale(IEnumerable<Upload> uploads, TimeSpan maxAge)
        {
            var gate = new SemaphoreSlim(4);
            foreach (var upload in uploads)
            {
                gate.Wait(); // BND1004 only with bounded.report_exception_paths = true: the release is skipped only when a call throws
                ThreadPool.QueueUserWorkItem(_ => DeleteIfOlder(upload, maxAge)); // expect BND1001
                gate.Release();
            }
        }

        private void DeleteIfOlder(Upload upload, TimeSpan maxAge)
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(upload.Path) > maxAge)
            {
                File.Delete(upload.Path);
                _logger.LogDebug("Deleted {Path}", upload.Path);
            }
        }
    }
}
