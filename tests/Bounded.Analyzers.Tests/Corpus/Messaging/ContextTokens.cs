// Handlers of a message bus and a job runner whose only token arrives inside the context object they are handed
// (context.CancellationToken). Work dropped there can take that token.
using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Corpus.Messaging.Contexts
{
    public interface IMessageContext<out T>
    {
        T Message { get; }

        string CorrelationId { get; }

        CancellationToken CancellationToken { get; }

        Task RespondAsync(object response, CancellationToken cancellationToken = default);
    }

    public interface IMessageConsumer<in T>
    {
        Task Consume(IMessageContext<T> context);
    }

    public sealed record InvoiceIssued(Guid InvoiceId, string CustomerEmail, decimal Amount);

    public sealed record ThumbnailRequested(Guid ImageId, Uri Source);

    public interface IReceiptMailer
    {
        Task SendReceiptAsync(string email, Guid invoiceId, CancellationToken cancellationToken = default);
    }

    public interface ILedger
    {
        Task RecordAsync(Guid invoiceId, decimal amount, CancellationToken cancellationToken = default);
    }

    public sealed class InvoiceIssuedConsumer : IMessageConsumer<InvoiceIssued>
    {
        private readonly IReceiptMailer _mailer;
        private readonly ILedger _ledger;
        private readonly ILogger<InvoiceIssuedConsumer> _logger;

        public InvoiceIssuedConsumer(IReceiptMailer mailer, ILedger ledger, ILogger<InvoiceIssuedConsumer> logger)
        {
            _mailer = mailer;
            _ledger = ledger;
            _logger = logger;
        }

        public async Task Consume(IMessageContext<InvoiceIssued> context)
        {
            var invoice = context.Message;

            // Not reported: awaited, with the message's token.
            await _ledger.RecordAsync(invoice.InvoiceId, invoice.Amount, context.CancellationToken);

            // The receipt is sent off the consume path, but the bus's token for this message is right there.
            _ = _mailer.SendReceiptAsync(invoice.CustomerEmail, invoice.InvoiceId); // expect BND2001

            _logger.LogInformation("Invoice {InvoiceId} recorded", invoice.InvoiceId);
        }
    }

    public sealed class ThumbnailConsumer : IMessageConsumer<ThumbnailRequested>
    {
        private readonly HttpClient _http;

        public ThumbnailConsumer(HttpClient http) => _http = http;

        public Task Consume(IMessageContext<ThumbnailRequested> context)
        {
            // Not reported: the detached work already reads the context's token.
            _ = Task.Run(() => _http.GetByteArrayAsync(context.Message.Source, context.CancellationToken), context.CancellationToken);

            // The response is detached and gets no token, though the context carries one.
            _ = Task.Run(() => context.RespondAsync(new { context.Message.ImageId, Accepted = true })); // expect BND2001
            return Task.CompletedTask;
        }
    }

    /// <summary>A job runner's context: the job's id and the token that stops it.</summary>
    public sealed class JobExecutionContext
    {
        public JobExecutionContext(string jobId, CancellationToken stopping)
        {
            JobId = jobId;
            Stopping = stopping;
        }

        public string JobId { get; }

        public CancellationToken Stopping { get; }
    }

    public sealed class NightlyExportJob
    {
        private readonly HttpClient _http;
        private readonly ILogger<NightlyExportJob> _logger;

        public NightlyExportJob(HttpClient http, ILogger<NightlyExportJob> logger)
        {
            _http = http;
            _logger = logger;
        }

        public void Execute(JobExecutionContext job)
        {
            _logger.LogInformation("Export {JobId} starting", job.JobId);
            Task.Run(() => _http.PostAsync("https://export.example.org/nightly", new StringContent(job.JobId))); // expect BND2001
        }

        // Not reported: an exception's token reports a cancellation that already happened; nothing to pass.
        public void OnCancelled(OperationCanceledException cancellation)
        {
            _ = _http.GetStringAsync("https://export.example.org/cancelled");
        }
    }
}
