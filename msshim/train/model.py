"""``mindspore.train.Model``: training, evaluation and prediction loops with callbacks (MindSpore's
``train/model.py``, single device).

msshim runs the loops as MindSpore does on CPU: every batch is fed from the host and the train network is
called once per step, so ``dataset_sink_mode=True`` is accepted and runs the non-sink loop (MindSpore's
CPU path; ``sink_size`` then only sets ``cb_params.batch_num``).  The dataset's columns are passed to the
train / eval network as positional arguments, so a dataset whose columns do not match ``construct`` fails
with Python's TypeError, as in MindSpore's PyNative mode.
"""
from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from functools import wraps
import os

import numpy as np

from msshim.common.tensor import Tensor
from msshim.context import get_auto_parallel_context
from msshim.parallel._utils import _get_device_num, _get_parameter_broadcast
from msshim.nn.cell import Cell
from msshim.nn.layer._conv_padding import check_bool, check_non_negative_int, check_positive_int
from msshim.train.callback import INTERNAL_CALLBACK_NAMES, ModelCheckpoint, RunContext, TimeMonitor
from msshim.train.callback import _CallbackManager, _InternalCallbackParam
from msshim.train.callback._checkpoint import _chg_ckpt_file_name_if_same_exist
from msshim.train.dataset_helper import DatasetHelper, _check_is_int

logger = logging.getLogger("msshim")

_KWARGS = ['loss_scale_manager', 'keep_batchnorm_fp32', 'boost_config_dict', 'acc_level']


def _transfer_tensor_to_tuple(inputs):
    return (inputs,) if isinstance(inputs, Tensor) else inputs


def _checkpoint_callback(callbacks):
    """The last ModelCheckpoint among ``callbacks`` (a callback or a list), or None."""
    if isinstance(callbacks, ModelCheckpoint):
        return callbacks
    found = None
    if isinstance(callbacks, list):
        for item in callbacks:
            if isinstance(item, ModelCheckpoint):
                found = item
    return found


def _save_final_ckpt(func):
    """With a ModelCheckpoint whose config has ``exception_save``, an exception escaping training first saves
    ``<prefix>-<epoch>_<step>_breakpoint.ckpt`` (MindSpore's decorator of the same name)."""

    @wraps(func)
    def wrapper(self, *args, **kwargs):
        obj = _checkpoint_callback(kwargs.get('callbacks'))
        if not (obj and obj._config and obj._config.exception_save):
            return func(self, *args, **kwargs)
        try:
            return func(self, *args, **kwargs)
        except BaseException:
            from msshim.train.serialization import save_checkpoint
            prefix = _chg_ckpt_file_name_if_same_exist(obj._directory, obj._exception_prefix, True)
            cur_file = os.path.join(obj._directory, f"{prefix}-{self._current_epoch_num}_"
                                                    f"{self._current_step_num}_breakpoint.ckpt")
            if "epoch_num" in obj._append_dict:
                obj._append_dict["epoch_num"] = obj._append_epoch_num + self._current_epoch_num
            if "step_num" in obj._append_dict:
                obj._append_dict["step_num"] = obj._append_step_num + self._current_step_num
            save_checkpoint(self._train_network, cur_file, obj._config.integrated_save, obj._config.async_save,
                            obj._append_dict, obj._config.enc_key, obj._config.enc_mode)
            raise
    return wrapper


def _check_network(network) -> None:
    if not isinstance(network, Cell):
        raise TypeError(f"The type of 'network' should be 'Cell', but got type '{type(network).__name__}'.")


class Model:
    """``Model(network, loss_fn=None, optimizer=None, metrics=None, eval_network=None, eval_indexes=None,
    amp_level="O0", boost_level="O0", **kwargs)``.

    * train network: with an optimizer, ``mindspore.amp.build_train_network(network, optimizer, loss_fn,
      level=amp_level, boost_level=..., loss_scale_manager=..., keep_batchnorm_fp32=...)`` (``WithLossCell``
      + ``TrainOneStepCell`` at O0); with only a loss, ``WithLossCell``; else ``network`` itself.
    * eval network (only when ``metrics`` is given): ``eval_network``, or ``WithEvalCell(network, loss_fn)``
      whose ``(loss, logits, label)`` outputs feed the metrics (``eval_indexes`` = [0, 1, 2]).
    * predict network: ``network``.
    ``kwargs`` may hold only ``loss_scale_manager``, ``keep_batchnorm_fp32``, ``boost_config_dict`` and
    ``acc_level``.  boost levels O1/O2 (MindSpore's ``AutoBoost``) change nothing in msshim.
    """

    def __init__(self, network, loss_fn=None, optimizer=None, metrics=None, eval_network=None, eval_indexes=None,
                 amp_level="O0", boost_level="O0", **kwargs):
        self._network = network
        self._loss_fn = loss_fn
        self._optimizer = optimizer
        self._loss_scale_manager = None
        self._loss_scale_manager_set = False
        self._keep_bn_fp32 = None
        self._check_kwargs(kwargs)
        self._amp_level = amp_level
        self._boost_level = kwargs.get('acc_level', boost_level)
        self._eval_network = eval_network
        self._process_amp_args(kwargs)
        self._parallel_mode = get_auto_parallel_context("parallel_mode")
        self._device_number = _get_device_num()  # the group size in data-parallel mode unless device_num was set
        self._parameter_broadcast = _get_parameter_broadcast()
        self._metrics = metrics

        self._check_amp_level_arg(optimizer, amp_level)
        self._train_network = self._build_train_network()
        self._build_eval_network(metrics, self._eval_network, eval_indexes)
        self._build_predict_network()
        self._current_epoch_num = 0
        self._current_step_num = 0
        self.epoch_iter = 0
        self._backbone_is_train = True
        self.batch_num = -1
        self._initial_step = None

    # ------------------------------------------------------------------------------------------ building
    @staticmethod
    def _check_kwargs(kwargs):
        for arg in kwargs:
            if arg not in _KWARGS:
                raise ValueError(f"The argument in 'kwargs' should be 'loss_scale_manager' or "
                                 f"'keep_batchnorm_fp32' or 'boost_config_dict' or 'acc_level', but got '{arg}'.")

    def _process_amp_args(self, kwargs):
        if 'keep_batchnorm_fp32' in kwargs:
            self._keep_bn_fp32 = kwargs['keep_batchnorm_fp32']
        if 'loss_scale_manager' in kwargs:
            self._loss_scale_manager = kwargs['loss_scale_manager']
            self._loss_scale_manager_set = True

    @staticmethod
    def _check_amp_level_arg(optimizer, amp_level):
        if optimizer is None and amp_level != "O0":
            raise ValueError(
                "Auto mixed precision will not work because 'optimizer' is None.Please set amp_level='O0' "
                "to disable auto mixed precision or set 'optimizer' not be None to use auto mixed precision.")

    def _build_train_network(self):
        network = self._network
        _check_network(network)
        if self._loss_scale_manager is not None and self._optimizer is None:
            raise ValueError("The argument 'optimizer' can not be None when set 'loss_scale_manager'.")
        if self._optimizer:
            amp_config = {}
            if self._loss_scale_manager_set:
                amp_config['loss_scale_manager'] = self._loss_scale_manager
            if self._keep_bn_fp32 is not None:
                amp_config['keep_batchnorm_fp32'] = self._keep_bn_fp32
            return self._amp_train_network(network, amp_config)
        if self._loss_fn:
            from msshim.nn.wrap.cell_wrapper import WithLossCell
            return WithLossCell(network, self._loss_fn)
        return network

    def _amp_train_network(self, network, amp_config: dict):
        try:
            from msshim.train.amp import build_train_network
        except ImportError:  # amp not available: the O0 network MindSpore's build_train_network makes
            if self._amp_level != "O0" or amp_config.get('loss_scale_manager') is not None:
                raise RuntimeError("Model needs msshim.train.amp for amp_level / loss_scale_manager.") from None
            from msshim.nn.wrap.cell_wrapper import TrainOneStepCell, WithLossCell
            if self._loss_fn:
                network = WithLossCell(network, self._loss_fn)
            return TrainOneStepCell(network, self._optimizer).set_train()
        return build_train_network(network, self._optimizer, self._loss_fn, level=self._amp_level,
                                   boost_level=self._boost_level, **amp_config)

    def _build_eval_network(self, metrics, eval_network, eval_indexes):
        self._eval_indexes = None
        if not metrics:
            self._metric_fns = None
            return
        from msshim.train.metrics import get_metrics
        self._metric_fns = get_metrics(metrics)
        if not self._metric_fns:
            return
        if eval_network is not None:
            if eval_indexes is not None and not (isinstance(eval_indexes, list) and len(eval_indexes) == 3):
                raise ValueError("The argument 'eval_indexes' must be a list or None. If 'eval_indexes' is a list, "
                                 "length of it must be three. But got 'eval_indexes' {}".format(eval_indexes))
            self._eval_network = eval_network
            self._eval_indexes = eval_indexes
            return
        if self._loss_fn is None:
            raise ValueError("If `metrics` is set, `eval_network` must not be None. Do not set `metrics` if you"
                             " don't want an evaluation.\n"
                             "If evaluation is required, you need to specify `eval_network`, which will be used in"
                             " the framework to evaluate the model.\n"
                             "For the simple scenarios with one data, one label and one logits, `eval_network` is"
                             " optional, and then you can set `eval_network` or `loss_fn`. For the latter case,"
                             " framework will automatically build an evaluation network with `network` and"
                             " `loss_fn`.")
        from msshim.nn.wrap.cell_wrapper import WithEvalCell
        self._eval_network = WithEvalCell(self._network, self._loss_fn, self._amp_level in ["O2", "O3", "auto"])
        self._eval_indexes = [0, 1, 2]

    def _build_predict_network(self):
        self._predict_network = self._network

    # ------------------------------------------------------------------------------------------ metrics
    def _clear_metrics(self):
        for metric in self._metric_fns.values():
            metric.clear()

    def _update_metrics(self, outputs):
        from msshim.train.metrics import Loss
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        if not isinstance(outputs, tuple):
            raise ValueError(f"The argument 'outputs' should be tuple, but got {type(outputs)}.")
        if self._eval_indexes is not None and len(outputs) < 3:
            raise ValueError("The length of 'outputs' must be >= 3, but got {}".format(len(outputs)))
        for metric in self._metric_fns.values():
            if self._eval_indexes is None:
                metric.update(*outputs)
            elif isinstance(metric, Loss):
                metric.update(outputs[self._eval_indexes[0]])
            else:
                metric.update(outputs[self._eval_indexes[1]], outputs[self._eval_indexes[2]])

    def _get_metrics(self) -> dict:
        return {key: value.eval() for key, value in self._metric_fns.items()}

    def _get_scaling_sens(self):
        scaling_sens = 1
        if self._loss_scale_manager is not None:
            scaling_sens = self._loss_scale_manager.get_loss_scale()
        if self._parallel_mode == "data_parallel":
            scaling_sens /= self._device_number
        return scaling_sens

    # ------------------------------------------------------------------------------------------ loops
    def _exec_preprocess(self, is_train, dataset, dataset_sink_mode, sink_size=-1, epoch_num=1, dataset_helper=None):
        network = self._train_network if is_train else self._eval_network
        if dataset_helper is None:
            dataset_helper = DatasetHelper(dataset, dataset_sink_mode, sink_size, epoch_num)
        network.set_train(is_train)
        self._backbone_is_train = is_train
        return dataset_helper, network

    def _check_network_mode(self, network, is_train):
        """Switch train/inference mode only when the shared backbone is in the other one."""
        if self._backbone_is_train != is_train:
            network.set_train(is_train)
            self._backbone_is_train = is_train
        if not is_train:
            network.set_grad(False)
        return network

    def _check_reuse_dataset(self, dataset):
        if not hasattr(dataset, '__model_hash__'):
            dataset.__model_hash__ = hash(self)
        if dataset.__model_hash__ != hash(self):
            raise RuntimeError("The dataset object had been used in other model by model.train(...), "
                               "please create a new dataset.")

    @staticmethod
    def _transform_callbacks(callbacks):
        if callbacks is None:
            return []
        if isinstance(callbacks, Iterable):
            return list(callbacks)
        return [callbacks]

    @staticmethod
    def _check_methods_for_custom_callbacks(callbacks, current_mode):
        """User callbacks overriding the deprecated names (begin, step_end, ...): a warning in train/eval, a
        ValueError in fit (where they would also run during the per-epoch evaluation)."""
        old_version_methods_names = {'begin', 'end', 'epoch_begin', 'epoch_end', 'step_begin', 'step_end'}
        if not isinstance(callbacks, list):
            callbacks = [callbacks]
        for cb in callbacks:
            cb_name = cb.__class__.__name__
            if cb_name in INTERNAL_CALLBACK_NAMES:
                continue
            invalid_methods_names = set(cb.__class__.__dict__.keys()) & old_version_methods_names
            if not invalid_methods_names:
                continue
            msg = ("For %s callback, %s methods may not be supported in later version, "
                   "Use methods prefixed with 'on_train' or 'on_eval' instead "
                   "when using customized callbacks." % (cb_name, invalid_methods_names))
            if current_mode in ["train", "eval"]:
                logger.warning(msg)
            else:
                raise ValueError(msg)

    @staticmethod
    def _check_train_args(api, epoch, train_dataset, sink_size, initial_epoch, sink_size_noun) -> int:
        """Check train / fit's arguments; return ``sink_size`` with -1 resolved to the dataset size."""
        _check_is_int(sink_size)
        check_positive_int(epoch)
        check_non_negative_int(initial_epoch)
        if initial_epoch >= epoch:
            raise ValueError(f"For '{api}', the parameter 'epoch' must bigger than parameter 'initial_epoch',"
                             f" but got the parameter 'epoch' is {epoch}, 'initial_epoch' is {initial_epoch}.")
        if train_dataset.get_dataset_size() == 0:
            raise ValueError("There is no valid data in dataset, please check dataset file firstly.")
        if sink_size == -1:
            sink_size = train_dataset.get_dataset_size()
        if sink_size < -1 or sink_size == 0:
            raise ValueError(f"For '{api}', The {sink_size_noun} 'sink_size' must be -1 or positive, "
                             f"but got {sink_size}.")
        return sink_size

    def train(self, epoch, train_dataset, callbacks=None, dataset_sink_mode=False, sink_size=-1, initial_epoch=0):
        """Train ``epoch - initial_epoch`` epochs over ``train_dataset`` (``epoch`` is the final epoch number).

        With a ``loss_fn`` the dataset must give two columns (data, label), else ValueError; without one, all
        columns go to the network.  ``dataset_sink_mode=True`` runs the same host loop (MindSpore's CPU path).
        """
        check_bool(dataset_sink_mode)
        sink_size = self._check_train_args("Model.train", epoch, train_dataset, sink_size, initial_epoch, "argument")
        if callbacks:
            self._check_methods_for_custom_callbacks(callbacks, "train")
        self._train(epoch, train_dataset, callbacks=callbacks, dataset_sink_mode=dataset_sink_mode,
                    sink_size=sink_size, initial_epoch=initial_epoch)

    def fit(self, epoch, train_dataset, valid_dataset=None, valid_frequency=1, callbacks=None,
            dataset_sink_mode=False, valid_dataset_sink_mode=False, sink_size=-1, initial_epoch=0):
        """``train`` with an evaluation on ``valid_dataset`` after every ``valid_frequency``-th epoch (an int)
        or after the listed epochs; the results reach callbacks as ``cb_params.metrics`` and
        ``cb_params.eval_results`` (metrics + ``eval_loss``) at the epoch end."""
        dataset_sink_mode = check_bool(dataset_sink_mode)
        valid_dataset_sink_mode = check_bool(valid_dataset_sink_mode)
        sink_size = self._check_train_args("Model.fit", epoch, train_dataset, sink_size, initial_epoch, "parameter")
        if not isinstance(valid_frequency, (int, list)):
            raise TypeError(f"For 'Model.fit', the type of 'valid_frequency' must be a list or an integer, but got "
                            f"type {type(valid_frequency)}.")
        if valid_dataset and not self._metric_fns:
            raise ValueError("For 'Model.fit', if valid_dataset is not None, the model argument 'metrics' can not be"
                             "None or empty, you should set the argument 'metrics' for model.")
        if callbacks:
            self._check_methods_for_custom_callbacks(callbacks, "fit")
        self._train(epoch, train_dataset, callbacks=callbacks, dataset_sink_mode=dataset_sink_mode,
                    sink_size=sink_size, initial_epoch=initial_epoch, valid_dataset=valid_dataset,
                    valid_frequency=valid_frequency, valid_dataset_sink_mode=valid_dataset_sink_mode)

    @_save_final_ckpt
    def _train(self, epoch, train_dataset, callbacks=None, dataset_sink_mode=True, sink_size=-1, initial_epoch=0,
               valid_dataset=None, valid_frequency=1, valid_dataset_sink_mode=True, initial_step=0):
        cb_params = _InternalCallbackParam()
        cb_params.cur_step_num = initial_step
        cb_params.train_network = self._train_network
        cb_params.epoch_num = epoch - initial_epoch
        if dataset_sink_mode and sink_size > 0:
            cb_params.batch_num = sink_size
        else:
            cb_params.batch_num = train_dataset.get_dataset_size()
        self.batch_num = cb_params.batch_num
        cb_params.mode = "train"
        cb_params.loss_fn = self._loss_fn
        cb_params.optimizer = self._optimizer
        cb_params.parallel_mode = self._parallel_mode
        cb_params.device_number = self._device_number
        cb_params.train_dataset = train_dataset
        cb_params.list_callback = self._transform_callbacks(callbacks)
        valid_infos = (valid_dataset, valid_frequency, valid_dataset_sink_mode)
        callbacks = cb_params.list_callback
        cb_params.train_dataset_element = None
        cb_params.network = self._network
        cb_params.last_save_ckpt_step = None
        cb_params.latest_ckpt_file = None
        cb_params.loss_scale_mananger = self._loss_scale_manager  # sic: MindSpore's key
        cb_params.initial_step = self._initial_step

        with _CallbackManager(callbacks) as list_callback:
            self._check_reuse_dataset(train_dataset)
            if dataset_sink_mode:
                logger.info("msshim feeds data from the host (as MindSpore on CPU): the training process will be "
                            "performed with dataset not sink.")
            self._train_process(epoch, train_dataset, list_callback, cb_params, initial_epoch, valid_infos)

    def _train_process(self, epoch, train_dataset, list_callback=None, cb_params=None, initial_epoch=0,
                       valid_infos=None):
        dataset_helper, _ = self._exec_preprocess(is_train=True, dataset=train_dataset, dataset_sink_mode=False,
                                                  epoch_num=epoch)
        cb_params.dataset_sink_mode = False
        run_context = RunContext(cb_params)
        list_callback.on_train_begin(run_context)
        train_network = self._train_network
        lsm = self._loss_scale_manager
        for i in range(initial_epoch, epoch):
            cb_params.cur_epoch_num = i + 1
            self._current_epoch_num = cb_params.cur_epoch_num
            self._current_step_num = 0
            list_callback.on_train_epoch_begin(run_context)
            for next_element in dataset_helper:
                len_element = len(next_element)
                next_element = _transfer_tensor_to_tuple(next_element)
                if self._loss_fn and len_element != 2:
                    raise ValueError("When 'loss_fn' is not None, 'train_dataset' should return "
                                     "two elements, but got {}, please check the number of elements "
                                     "returned by 'train_dataset'".format(len_element))
                cb_params.cur_step_num += 1
                self._current_step_num = int((cb_params.cur_step_num - 1) % cb_params.batch_num + 1)
                cb_params.train_dataset_element = next_element
                list_callback.on_train_step_begin(run_context)
                self._check_network_mode(train_network, True)
                outputs = train_network(*next_element)
                cb_params.net_outputs = outputs
                if lsm and lsm.get_drop_overflow_update():
                    lsm.update_loss_scale(np.all(outputs[1].asnumpy()))
                list_callback.on_train_step_end(run_context)
                if run_context.get_stop_requested():
                    break
            self._eval_during_train(valid_infos, cb_params, list_callback)
            if hasattr(train_dataset, "reset"):
                train_dataset.reset()
            list_callback.on_train_epoch_end(run_context)
            if "metrics" in cb_params or "eval_results" in cb_params:
                cb_params.pop("metrics", None)
                cb_params.pop("eval_results", None)
            if run_context.get_stop_requested():
                break
        list_callback.on_train_end(run_context)

    @staticmethod
    def _should_eval(epoch, validation_freq):
        return epoch % validation_freq == 0 if isinstance(validation_freq, int) else epoch in validation_freq

    def _eval_during_train(self, valid_infos, cb_params, list_callback):
        valid_dataset, valid_frequency, valid_dataset_sink_mode = valid_infos
        if not (valid_dataset and self._should_eval(cb_params.cur_epoch_num, valid_frequency)):
            return
        saved = {k: cb_params[k] for k in ("cur_step_num", "batch_num", "dataset_sink_mode", "net_outputs")}
        # fit's evaluation runs the user callbacks and TimeMonitor, none of the other shipped ones
        eval_callback = [cb for cb in list_callback._callbacks
                         if cb.__class__.__name__ not in INTERNAL_CALLBACK_NAMES or isinstance(cb, TimeMonitor)]
        self._eval_in_fit(valid_dataset, callbacks=eval_callback, dataset_sink_mode=valid_dataset_sink_mode,
                          cb_params=cb_params)
        cb_params.mode = "train"
        cb_params.update(saved)

    def _eval_in_fit(self, valid_dataset, callbacks=None, dataset_sink_mode=True, cb_params=None):
        return self._run_eval(valid_dataset, callbacks, cb_params, add_eval_loss=True)

    def _run_eval(self, valid_dataset, callbacks, cb_params, add_eval_loss=False, **extra_params):
        """An evaluation over ``valid_dataset``: ``cb_params`` set for it (then ``extra_params``), the metrics
        cleared, ``_eval_process`` run under ``callbacks``."""
        cb_params.eval_network = self._eval_network
        cb_params.valid_dataset = valid_dataset
        cb_params.batch_num = valid_dataset.get_dataset_size()
        cb_params.mode = "eval"
        cb_params.cur_step_num = 0
        cb_params.update(extra_params)
        self._clear_metrics()
        with _CallbackManager(callbacks) as list_callback:
            return self._eval_process(valid_dataset, list_callback, cb_params, add_eval_loss=add_eval_loss)

    def _eval_process(self, valid_dataset, list_callback=None, cb_params=None, add_eval_loss=False):
        run_context = RunContext(cb_params)
        cb_params.dataset_sink_mode = False
        list_callback.on_eval_begin(run_context)
        dataset_helper, _ = self._exec_preprocess(is_train=False, dataset=valid_dataset, dataset_sink_mode=False)
        list_callback.on_eval_epoch_begin(run_context)
        eval_loss_fn = None
        if add_eval_loss:
            from msshim.train.metrics import get_metric_fn
            eval_loss_fn = get_metric_fn("loss")
        eval_network = self._eval_network
        for next_element in dataset_helper:
            cb_params.cur_step_num += 1
            next_element = _transfer_tensor_to_tuple(next_element)
            cb_params.eval_dataset_element = next_element
            list_callback.on_eval_step_begin(run_context)
            self._check_network_mode(eval_network, False)
            outputs = eval_network(*next_element)
            cb_params.net_outputs = outputs
            list_callback.on_eval_step_end(run_context)
            self._update_metrics(outputs)
            if eval_loss_fn is not None:
                eval_loss_fn.update(outputs[self._eval_indexes[0]])
            if run_context.get_stop_requested():
                break
        list_callback.on_eval_epoch_end(run_context)
        if hasattr(valid_dataset, "reset"):
            valid_dataset.reset()
        metrics = self._get_metrics()
        cb_params.metrics = metrics
        if eval_loss_fn is not None:
            cb_params.eval_results = copy.deepcopy(metrics)
            cb_params.eval_results.update({"eval_loss": eval_loss_fn.eval()})
        list_callback.on_eval_end(run_context)
        return metrics

    def eval(self, valid_dataset, callbacks=None, dataset_sink_mode=False):
        """Run the eval network over ``valid_dataset`` in inference mode; return ``{metric name: value}``."""
        dataset_sink_mode = check_bool(dataset_sink_mode)
        if not self._metric_fns:
            raise ValueError("For Model.eval, the model argument 'metrics' can not be None or empty, "
                             "you should set the argument 'metrics' for model.")
        if callbacks:
            self._check_methods_for_custom_callbacks(callbacks, "eval")
        return self._run_eval(valid_dataset, callbacks, _InternalCallbackParam(),
                              list_callback=self._transform_callbacks(callbacks), network=self._network)

    # ------------------------------------------------------------------------------------------ predict
    def predict(self, *predict_data, backend=None, config=None):
        """Run the network in inference mode on ``predict_data`` (Tensors, None, int, float or str)."""
        if backend not in ['lite', None]:
            raise ValueError(f"For Model.predict, `backend` should be 'lite' or None, but got {backend}")
        if backend == "lite":
            logger.warning("Import mindspore_lite failed, fallback to original inference!")
        self._check_network_mode(self._predict_network, False)
        for item in predict_data:
            if item is None:
                continue
            if isinstance(item, Tensor):
                if item.size == 0:
                    raise ValueError("The input data can not be empty.")
                continue
            if not isinstance(item, (int, float, str)):
                data_class_str = "Tensor, None, int, float, str"
                raise TypeError(f'The types of input data must be in the Union({data_class_str}, '
                                f'tuple[{data_class_str}], list[{data_class_str}], dict[{data_class_str}]), '
                                f'but got type {type(item).__name__}.')
        result = self._predict_network(*predict_data)
        if result is None:
            raise RuntimeError('The output data can not be None, please check your net or input data.')
        return result

    def build(self, train_dataset=None, valid_dataset=None, sink_size=-1, epoch=1, sink_mode=True):
        """MindSpore pre-compiles graphs for Ascend here; msshim has nothing to build (RuntimeError as
        MindSpore raises off Ascend)."""
        check_positive_int(epoch)
        raise RuntimeError('Pre-init process only supports Ascend target currently.')

    def infer_train_layout(self, train_dataset, dataset_sink_mode=True, sink_size=-1):
        raise RuntimeError("'infer_train_layout' only supports 'semi_auto_parallel' and 'auto_parallel' "
                           "mode, but got {}.".format(self._parallel_mode))

    def infer_predict_layout(self, *predict_data, skip_backend_compile=False):
        raise RuntimeError('Infer predict layout only supports semi auto parallel and auto parallel mode.')

    @property
    def train_network(self):
        """The network ``train`` calls each step (e.g. ``TrainOneStepCell``)."""
        return self._train_network

    @property
    def predict_network(self):
        return self._predict_network

    @property
    def eval_network(self):
        return self._eval_network


__all__ = ["Model"]
