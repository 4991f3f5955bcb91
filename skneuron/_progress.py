"""Reporting training as it goes: scikit-learn's verbose lines, a tqdm bar."""


class Progress:
    """Reports epochs: scikit-learn's lines on stdout, a tqdm bar, both or neither.

    Parameters
    ----------
    verbose : bool
        Print ``Iteration N, loss = ...`` per epoch, as scikit-learn's MLP does.
    bar : bool
        Draw a tqdm bar over ``total`` epochs; tqdm must be installed.
    total : int
    unit : str, default="epoch"
        What the bar counts: epochs, or L-BFGS iterations.
    """

    def __init__(self, verbose, bar, total, unit="epoch"):
        self.verbose = verbose
        self.bar = None
        if bar:
            try:
                from tqdm.auto import tqdm
            except ImportError as error:
                raise ImportError(
                    "progress_bar=True draws the bar with tqdm, which is not "
                    'installed: pip install "skneuron[progress]".'
                ) from error

            self.bar = tqdm(total=total, unit=unit, leave=True)

    def report(self, record, n_iter):
        """Show one epoch, the ``n_iter``-th of this call (scikit-learn's count)."""
        if self.verbose:
            print(f"Iteration {n_iter}, loss = {record['loss']:.8f}")
            if record["validation_score"] is not None:
                print(f"Validation score: {record['validation_score']:f}")
        if self.bar is not None:
            postfix = {"loss": f"{record['loss']:.4g}"}
            if record["validation_score"] is not None:
                postfix["validation"] = f"{record['validation_score']:.4g}"
            self.bar.set_postfix(postfix, refresh=False)
            self.bar.update()

    def say(self, message):
        """Print a message about training, when verbose."""
        if self.verbose:
            print(message)

    def close(self):
        """Close the bar, if any."""
        if self.bar is not None:
            self.bar.close()
