// SPDX-License-Identifier: GPL-2.0

//! A misc device with the whole set of a stream device's file operations.
//!
//! The kernel crate's `MiscDevice` has `open`, `read_iter`, `write_iter`
//! and `ioctl`, but no `llseek` or `poll`, which a `/dev/kmsg`-like device
//! needs (`dmesg` seeks, `dmesg -w` polls), and its open cannot hand a file
//! to another driver's operations. [`FileOps`] is the same design with those
//! added: the `extern "C"` entry points here turn the VFS's raw arguments into
//! a `&File`, the file's private data and safe iterators once, call the
//! implementation's safe method, and turn its `Result` into the return value
//! the VFS expects once.

use core::marker::PhantomData;
use kernel::{
    bindings,
    fs::File,
    iov::{
        IovIterDest,
        IovIterSource, //
    },
    module::this_module,
    prelude::*,
    types::{
        ForeignOwnable,
        Opaque, //
    },
    ModuleMetadata,
};

/// A file being opened on the device.
///
/// # Invariants
///
/// `inode` and `file` are those of an open of the device in progress, valid
/// for `'a`.
pub(crate) struct Opening<'a> {
    inode: *mut bindings::inode,
    file: &'a File,
}

impl<'a> Opening<'a> {
    /// The file being opened.
    pub(crate) fn file(&self) -> &'a File {
        self.file
    }

    /// The raw inode and file, for handing the open to another driver's
    /// operations (see [`Opened::HandedOver`]).
    pub(crate) fn as_raw(&self) -> (*mut bindings::inode, *mut bindings::file) {
        (self.inode, self.file.as_ptr())
    }
}

/// What an open made of the file.
pub(crate) enum Opened<P> {
    /// The file is the device's, with this private data.
    Private(P),
    /// The open replaced the file's operations with another table and
    /// called that table's `open`, which succeeded: the file is no longer
    /// the device's, and none of [`FileOps`]' methods will see it.
    HandedOver,
}

/// The operations on the open files of a misc device.
pub(crate) trait FileOps: Sized {
    /// The module that owns the device, pinned while a file is open.
    type OwnerModule: ModuleMetadata;

    /// What kind of pointer the private data of an open file is.
    type Ptr: ForeignOwnable + Send + Sync;

    /// Opens a file.
    fn open(opening: &Opening<'_>) -> Result<Opened<Self::Ptr>>;

    /// Reads into `to`; returns how much it wrote.
    fn read_iter(
        this: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        file: &File,
        to: &mut IovIterDest<'_>,
    ) -> Result<usize>;

    /// Writes from `from`; returns how much it consumed.
    fn write_iter(
        this: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        file: &File,
        from: &mut IovIterSource<'_>,
    ) -> Result<usize>;

    /// Moves the file's position; returns the new one.
    fn llseek(
        this: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        file: &File,
        offset: i64,
        whence: u32,
    ) -> Result<i64>;

    /// Registers the poll on `table` and returns the ready events
    /// (`EPOLL*`).
    fn poll(
        this: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        file: &File,
        table: &PollTable<'_>,
    ) -> u32;

    /// An ioctl; `compat_ptr_ioctl` serves 32-bit callers, so every
    /// argument must be a pointer or fit the native layout.
    fn ioctl(
        this: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        file: &File,
        cmd: u32,
        arg: usize,
    ) -> Result<isize>;
}

/// A poll's `poll_table`, to be handed to the wait queue the file waits on.
///
/// The kernel crate's `PollTable` registers only a `PollCondVar`; a device
/// whose waiters are woken from contexts a `CondVar` cannot be (through
/// `irq_work`) keeps its wait queue in C and needs the table itself.
///
/// # Invariants
///
/// The pointer is null or to a `poll_table` valid for `'a`.
pub(crate) struct PollTable<'a> {
    table: *mut bindings::poll_table_struct,
    _lifetime: PhantomData<&'a bindings::poll_table_struct>,
}

impl PollTable<'_> {
    /// The table a poll operation was given.
    ///
    /// # Safety
    ///
    /// `table` is null or valid for the returned value's lifetime.
    pub(crate) unsafe fn from_raw(table: *mut bindings::poll_table_struct) -> Self {
        // INVARIANT: as the caller says.
        PollTable {
            table,
            _lifetime: PhantomData,
        }
    }

    /// The table, for `poll_wait()`.
    pub(crate) fn as_ptr(&self) -> *mut bindings::poll_table_struct {
        self.table
    }
}

/// The file's private data, borrowed for the length of an operation.
///
/// # Safety
///
/// `file` is a file of a [`MiscRegistration<T>`] that [`FileOps::open`]
/// gave private data ([`Opened::Private`]) and that is not yet released.
unsafe fn private<'a, T: FileOps>(
    file: *mut bindings::file,
) -> <T::Ptr as ForeignOwnable>::Borrowed<'a> {
    // SAFETY:
    // - `open` stored `T::Ptr::into_foreign()` there, the caller says, and
    //   `release`, which takes it back, has not run;
    // - only shared borrows are made of it, as in every operation here.
    unsafe { <T::Ptr as ForeignOwnable>::borrow((*file).private_data) }
}

/// The `struct file` of an operation as a `&File`.
///
/// # Safety
///
/// `file` is valid for `'a`: the VFS holds a reference for the operation.
unsafe fn file_ref<'a>(file: *mut bindings::file) -> &'a File {
    // SAFETY:
    // - the caller says the file is valid for `'a`;
    // - a character device's file has no FMODE_ATOMIC_POS, so no
    //   `fdget_pos()` on it skips the `f_pos_lock`.
    unsafe { File::from_raw_file(file) }
}

struct VTable<T: FileOps>(PhantomData<T>);

impl<T: FileOps> VTable<T> {
    /// # Safety
    ///
    /// `inode` and `file` are those of an open of a [`MiscRegistration<T>`]
    /// in progress (`misc_open()` calls it).
    unsafe extern "C" fn open(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
        // INVARIANT: the open is in progress, as the caller says.
        let opening = Opening {
            inode,
            // SAFETY: the file being opened lives at least for the open.
            file: unsafe { file_ref(file) },
        };
        match T::open(&opening) {
            Ok(Opened::Private(ptr)) => {
                // SAFETY: the open owns the private data; every other
                // operation of this table borrows it as `T::Ptr`.
                unsafe { (*file).private_data = ptr.into_foreign() };
                0
            }
            Ok(Opened::HandedOver) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `file` is a file `open` gave private data, being released.
    unsafe extern "C" fn release(_inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
        // SAFETY: the release owns the private data `open` stored, and no
        // operation borrows it any more.
        drop(unsafe { <T::Ptr as ForeignOwnable>::from_foreign((*file).private_data) });
        0
    }

    /// # Safety
    ///
    /// `kiocb` is a read on a file `open` gave private data, `iter` its
    /// destination.
    unsafe extern "C" fn read_iter(
        kiocb: *mut bindings::kiocb,
        iter: *mut bindings::iov_iter,
    ) -> isize {
        // SAFETY: the read's file, valid for the read.
        let file = unsafe { (*kiocb).ki_filp };
        // SAFETY: the read's destination, for the length of the call.
        let to = unsafe { IovIterDest::from_raw(iter) };
        // SAFETY:
        // - the VFS holds the file for the read;
        // - it is one `open` gave private data, as the caller says.
        let result = unsafe { T::read_iter(private::<T>(file), file_ref(file), to) };
        match result {
            Ok(n) => n as isize,
            Err(e) => e.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// `kiocb` is a write on a file `open` gave private data, `iter` its
    /// source.
    unsafe extern "C" fn write_iter(
        kiocb: *mut bindings::kiocb,
        iter: *mut bindings::iov_iter,
    ) -> isize {
        // SAFETY: the write's file, valid for the write.
        let file = unsafe { (*kiocb).ki_filp };
        // SAFETY: the write's source, for the length of the call.
        let from = unsafe { IovIterSource::from_raw(iter) };
        // SAFETY:
        // - the VFS holds the file for the write;
        // - it is one `open` gave private data, as the caller says.
        let result = unsafe { T::write_iter(private::<T>(file), file_ref(file), from) };
        match result {
            Ok(n) => n as isize,
            Err(e) => e.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// `file` is a file `open` gave private data.
    unsafe extern "C" fn llseek(file: *mut bindings::file, offset: i64, whence: c_int) -> i64 {
        let whence = whence as u32;
        // SAFETY:
        // - the VFS holds the file for the seek;
        // - it is one `open` gave private data, as the caller says.
        let result = unsafe { T::llseek(private::<T>(file), file_ref(file), offset, whence) };
        result.unwrap_or_else(|e| e.to_errno().into())
    }

    /// # Safety
    ///
    /// `file` is a file `open` gave private data; `table` is null or a poll
    /// table valid for the call.
    unsafe extern "C" fn poll(
        file: *mut bindings::file,
        table: *mut bindings::poll_table_struct,
    ) -> bindings::__poll_t {
        // SAFETY: the caller's table, valid for the call.
        let table = unsafe { PollTable::from_raw(table) };
        // SAFETY:
        // - the VFS holds the file for the poll;
        // - it is one `open` gave private data, as the caller says.
        let events = unsafe { T::poll(private::<T>(file), file_ref(file), &table) };
        events as bindings::__poll_t
    }

    /// # Safety
    ///
    /// `file` is a file `open` gave private data.
    unsafe extern "C" fn ioctl(file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
        // SAFETY:
        // - the VFS holds the file for the ioctl;
        // - it is one `open` gave private data, as the caller says.
        let result = unsafe { T::ioctl(private::<T>(file), file_ref(file), cmd, arg) };
        match result {
            Ok(n) => n as c_long,
            Err(e) => e.to_errno() as c_long,
        }
    }

    const TABLE: bindings::file_operations = bindings::file_operations {
        owner: this_module::<T::OwnerModule>().as_ptr(),
        open: Some(Self::open),
        release: Some(Self::release),
        read_iter: Some(Self::read_iter),
        write_iter: Some(Self::write_iter),
        llseek: Some(Self::llseek),
        poll: Some(Self::poll),
        unlocked_ioctl: Some(Self::ioctl),
        compat_ioctl: bindings::compat_ptr_ioctl,
        ..pin_init::zeroed()
    };
}

/// A registered misc device whose files [`FileOps`] `T` serves.
///
/// # Invariants
///
/// `inner` is a `struct miscdevice` registered with `misc_register()` and
/// pointing at `VTable::<T>::TABLE`, deregistered once, by `drop`.
#[pin_data(PinnedDrop)]
pub(crate) struct MiscRegistration<T: FileOps> {
    #[pin]
    inner: Opaque<bindings::miscdevice>,
    _t: PhantomData<T>,
}

// SAFETY: `misc_deregister()` may run on any thread.
unsafe impl<T: FileOps> Send for MiscRegistration<T> {}
// SAFETY: no method of `&self` touches the device.
unsafe impl<T: FileOps> Sync for MiscRegistration<T> {}

impl<T: FileOps> MiscRegistration<T> {
    /// The device's file operations, for a driver that hands an open of its
    /// own file to this device (as `misc_open()` does); they live as long
    /// as the module.
    pub(crate) fn file_operations(&self) -> *const bindings::file_operations {
        // SAFETY: registered (type invariant); its `fops` is not written
        // after `register`.
        unsafe { (*self.inner.get()).fops }
    }

    /// Registers `/dev/<name>` with a dynamic minor and the given mode.
    pub(crate) fn register(name: &'static CStr, mode: u16) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            inner <- Opaque::try_ffi_init(move |slot: *mut bindings::miscdevice| {
                let mut misc: bindings::miscdevice = pin_init::zeroed();
                misc.minor = bindings::MISC_DYNAMIC_MINOR as c_int;
                misc.name = name.as_char_ptr();
                misc.fops = &VTable::<T>::TABLE;
                misc.mode = mode;
                // SAFETY: the initializer may write its slot.
                unsafe { slot.write(misc) };
                // SAFETY: the slot holds the device just written, pinned
                // until `drop` deregisters it.
                // INVARIANT: registered if this succeeds.
                kernel::error::to_result(unsafe { bindings::misc_register(slot) })
            }),
            _t: PhantomData,
        })
    }
}

#[pinned_drop]
impl<T: FileOps> PinnedDrop for MiscRegistration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: registered (type invariant), and deregistered only here.
        unsafe { bindings::misc_deregister(self.inner.get()) };
    }
}
